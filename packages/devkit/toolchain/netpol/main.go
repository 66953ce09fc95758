// Command dotmac-netpol enforces Kubernetes NetworkPolicies on the local node with iptables and
// ipset: kube-router's network-policy controller, embedded as a library the way k3s embeds it,
// without kube-router's routing, proxy or BGP parts (kube-proxy and the bridge CNI do those here).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cloudnativelabs/kube-router/v2/pkg/controllers/netpol"
	"github.com/cloudnativelabs/kube-router/v2/pkg/healthcheck"
	"github.com/cloudnativelabs/kube-router/v2/pkg/options"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the node's identity")
	node := flag.String("node", "", "the node this agent enforces policies on")
	serviceCIDR := flag.String("service-cidr", "10.96.0.0/16", "the cluster's Service range")
	syncPeriod := flag.Duration("sync-period", time.Minute, "full resync of the iptables rules")
	cleanup := flag.Bool("cleanup", false, "remove every rule and set this agent made, then exit")
	flag.Parse()

	if *cleanup {
		// Without its rules no policy is enforced: what the isolation tests check they would see.
		if err := removeRulesAndSets(); err != nil {
			fmt.Fprintln(os.Stderr, "dotmac-netpol --cleanup:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*kubeconfig, *node, *serviceCIDR, *syncPeriod); err != nil {
		fmt.Fprintln(os.Stderr, "dotmac-netpol:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, node, serviceCIDR string, syncPeriod time.Duration) error {
	if kubeconfig == "" || node == "" {
		return fmt.Errorf("--kubeconfig and --node are required")
	}
	restConfig, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("reading %s: %w", kubeconfig, err)
	}
	client, err := kubernetes.NewForConfig(restConfig)
	if err != nil {
		return err
	}

	config := options.NewKubeRouterConfig()
	config.RunFirewall = true
	config.Kubeconfig = kubeconfig
	config.HostnameOverride = node
	config.ClusterIPCIDRs = []string{serviceCIDR}
	config.EnableIPv4 = true
	config.EnableIPv6 = false
	config.IPTablesSyncPeriod = syncPeriod

	stop := make(chan struct{})
	factory := informers.NewSharedInformerFactory(client, 0)
	pods := factory.Core().V1().Pods().Informer()
	namespaces := factory.Core().V1().Namespaces().Informer()
	policies := factory.Networking().V1().NetworkPolicies().Informer()

	var ipsetMutex sync.Mutex
	iptablesHandlers, ipsetHandlers, err := netpol.NewIPTablesHandlers(config)
	if err != nil {
		return err
	}
	controller, err := netpol.NewNetworkPolicyController(client, config, pods, policies, namespaces,
		&ipsetMutex, iptablesHandlers, ipsetHandlers)
	if err != nil {
		return err
	}
	if _, err := pods.AddEventHandler(controller.PodEventHandler); err != nil {
		return err
	}
	if _, err := namespaces.AddEventHandler(controller.NamespaceEventHandler); err != nil {
		return err
	}
	if _, err := policies.AddEventHandler(controller.NetworkPolicyEventHandler); err != nil {
		return err
	}
	factory.Start(stop)
	for typ, synced := range factory.WaitForCacheSync(stop) {
		if !synced {
			return fmt.Errorf("the %v cache did not sync", typ)
		}
	}

	// The controller reports heartbeats; nothing here watches them, so they are drained.
	health := make(chan *healthcheck.ControllerHeartbeat, 16)
	go func() {
		for range health {
		}
	}()
	var wg sync.WaitGroup
	wg.Add(1)
	go controller.Run(health, stop, &wg)
	klog.Infof("enforcing NetworkPolicies on node %s", node)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
	close(stop)
	wg.Wait()
	return nil
}

// The chains kube-router's controller writes into the filter table, and the ipsets it matches on.
var ownChain = regexp.MustCompile(`KUBE-(ROUTER-[A-Z]+|POD-FW-[A-Z0-9]+|NWPLCY-[A-Z0-9]+)\b`)

/*
removeRulesAndSets takes the controller's rules out of the filter table and destroys its ipsets,
without the API server (a teardown may come after it stopped). kube-router's own Cleanup needs a
controller built against a live cluster.
*/
func removeRulesAndSets() error {
	saved, err := exec.Command("iptables-save", "-t", "filter").Output()
	if err != nil {
		return fmt.Errorf("iptables-save: %w", err)
	}
	var kept bytes.Buffer
	removed := 0
	for _, line := range strings.Split(strings.TrimRight(string(saved), "\n"), "\n") {
		if (strings.HasPrefix(line, ":") || strings.HasPrefix(line, "-A ")) && ownChain.MatchString(line) {
			removed++
			continue
		}
		kept.WriteString(line + "\n")
	}
	if removed > 0 {
		// The filter table as it was, less our lines, in one atomic restore (other tables untouched).
		restore := exec.Command("iptables-restore")
		restore.Stdin = &kept
		if out, err := restore.CombinedOutput(); err != nil {
			return fmt.Errorf("iptables-restore: %v: %s", err, out)
		}
	}
	sets, err := exec.Command("ipset", "list", "-n").Output()
	if err != nil {
		return fmt.Errorf("ipset list: %w", err)
	}
	for _, name := range strings.Fields(string(sets)) {
		if strings.HasPrefix(name, "KUBE-SRC-") || strings.HasPrefix(name, "KUBE-DST-") {
			if out, err := exec.Command("ipset", "destroy", name).CombinedOutput(); err != nil {
				return fmt.Errorf("ipset destroy %s: %v: %s", name, err, out)
			}
		}
	}
	return nil
}
