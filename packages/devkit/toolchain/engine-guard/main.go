// Command pulumi (engine-guard) runs the real Pulumi CLI so that nothing it starts outlives it.
//
// The engine starts plugins (our language host, the Kubernetes provider, the dynamic provider,
// the policy pack) as its children. When the engine dies without stopping them (SIGKILL, a crash)
// or its own caller dies (the automation API killed outright), they are orphaned and run on:
// a provider was found still running 74 minutes after its engine was gone. This wrapper sits
// between the caller and the CLI under the CLI's name, first on PATH:
//   - it is a child subreaper, so every orphan of the run is re-parented to it, not to init;
//   - it dies with its caller (PR_SET_PDEATHSIG), and the CLI dies with it;
//   - when the CLI ends, for whatever reason, it stops every process left below it (SIGTERM, then
//     SIGKILL after a grace) and only then exits, with the CLI's status.
//
// Signals it receives (SIGINT is how the Automation API cancels) are passed on to the CLI.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

// How long processes left behind get between SIGTERM and SIGKILL.
const leftoverGrace = 3 * time.Second

const (
	prSetPdeathsig      = 1
	prSetChildSubreaper = 36
)

func main() {
	real, err := realCLI(os.Getenv("PATH"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi (engine-guard):", err)
		os.Exit(127)
	}
	os.Exit(guard(real, os.Args[1:]))
}

// realCLI is the first `pulumi` on PATH that is not this program.
func realCLI(path string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	selfInfo, err := os.Stat(self)
	if err != nil {
		return "", err
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		candidate := filepath.Join(dir, "pulumi")
		info, err := os.Stat(candidate)
		if err != nil || info.IsDir() || info.Mode()&0o111 == 0 || os.SameFile(info, selfInfo) {
			continue
		}
		return candidate, nil
	}
	return "", errors.New("no Pulumi CLI on PATH after this wrapper")
}

func prctl(option, arg uintptr) error {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, option, arg, 0); errno != 0 {
		return errno
	}
	return nil
}

func guard(cli string, args []string) int {
	// The CLI's parent-death signal belongs to the thread that forks it: keep that thread for good.
	runtime.LockOSThread()
	parent := os.Getppid()
	if err := prctl(prSetChildSubreaper, 1); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi (engine-guard): cannot become a subreaper:", err)
		return 1
	}
	if err := prctl(prSetPdeathsig, uintptr(syscall.SIGTERM)); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi (engine-guard): cannot follow its parent:", err)
		return 1
	}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)

	pid, err := syscall.ForkExec(cli, append([]string{cli}, args...), &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{0, 1, 2},
		// A group of its own: a terminal's Ctrl-C reaches the CLI once, through us, not twice
		// (a second SIGINT makes the CLI quit without finishing its cancellation).
		Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi (engine-guard): cannot start", cli+":", err)
		return 127
	}
	// The caller may have died before the parent-death signal was armed.
	if os.Getppid() != parent {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}

	exited := make(chan syscall.WaitStatus, 1)
	go reap(pid, exited)
	for {
		select {
		case status := <-exited:
			stopLeftovers()
			return exitCode(status)
		case sig := <-signals:
			if os.Getppid() != parent {
				// Our caller is gone: nobody will read this run's result, and another replica
				// may take the stack over once its lease lapses. End it now, not gracefully.
				_ = syscall.Kill(pid, syscall.SIGKILL)
				continue
			}
			_ = syscall.Kill(pid, sig.(syscall.Signal))
		}
	}
}

// reap waits for every child (the CLI and any orphan re-parented to us) and reports the CLI's end.
func reap(cli int, exited chan<- syscall.WaitStatus) {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, 0, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return
		}
		if pid == cli {
			exited <- status
			return
		}
	}
}

// stopLeftovers ends every process still below us: SIGTERM, a grace, then SIGKILL, round after
// round, because the children of a killed process are re-parented to us only once it is gone.
func stopLeftovers() {
	deadline := time.Now().Add(leftoverGrace)
	for {
		children := childrenOf(os.Getpid())
		// Zombies are reaped here: with the CLI gone nothing else waits for them.
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
		if len(children) == 0 {
			if _, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil); errors.Is(err, syscall.ECHILD) {
				return
			}
		}
		sig := syscall.SIGTERM
		if time.Now().After(deadline) {
			sig = syscall.SIGKILL
		}
		for _, pid := range children {
			_ = syscall.Kill(pid, sig)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func exitCode(status syscall.WaitStatus) int {
	if status.Signaled() {
		return 128 + int(status.Signal())
	}
	return status.ExitStatus()
}
