// Command pulumi-language-nodejs is the Pulumi language host for Node.js programs: the engine
// starts it, calls it over gRPC, and it runs the program with the real @pulumi/pulumi SDK.
// See README.md for why this project carries its own.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is set by the toolchain build (-ldflags "-X main.version=…").
var version = "0.0.0-dev"

// How often the engine is asked whether it is still there: upstream's host and providers use the same.
const engineHealthInterval = 5 * time.Minute

// How long in-flight calls may take to finish once the engine is gone, before we exit regardless.
const drainTimeout = 10 * time.Second

func main() {
	if isDynamicProvider(os.Args[0]) {
		nodeBin, err := exec.LookPath("node")
		if err == nil {
			err = execDynamicProvider(nodeBin, os.Args[1:])
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	flag.String("tracing", "", "Zipkin-compatible tracing endpoint (accepted for compatibility, unused)")
	flag.String("root", "", "project root (accepted for compatibility, unused)")
	flag.Parse()

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: could not find node on the PATH:", err)
		os.Exit(1)
	}

	// The engine passes its own address as the one positional argument.
	engineAddress := ""
	if flag.NArg() > 0 {
		engineAddress = flag.Arg(0)
	}

	if err := serve(nodeBin, engineAddress, engineHealthInterval, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs:", err)
		os.Exit(1)
	}
}

// serve answers the engine until it stops us or goes away. An engine killed outright (SIGKILL,
// a lost machine) never says goodbye; without the health check its plugins would wait forever.
func serve(nodeBin, engineAddress string, healthInterval time.Duration, out io.Writer) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, healthInterval, cancel); err != nil {
			return fmt.Errorf("could not start the engine health check: %w", err)
		}
	}
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()

	host := newHost(nodeBin, engineAddress)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		return fmt.Errorf("could not start the RPC server: %w", err)
	}

	// The engine reads the port from our first line of output.
	fmt.Fprintf(out, "%d\n", handle.Port)

	select {
	case err := <-handle.Done:
		if err != nil {
			return fmt.Errorf("RPC server stopped: %w", err)
		}
		return nil
	case <-ctx.Done():
		// The engine is gone. A graceful stop waits for in-flight calls, which may be waiting on
		// the engine themselves; give them a moment, then leave anyway.
		select {
		case <-handle.Done:
		case <-time.After(drainTimeout):
		}
		return fmt.Errorf("the engine at %s is gone", engineAddress)
	}
}
