package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// setup builds the guard as `pulumi` in one folder and puts a fake CLI, also `pulumi`, in
// another after it on PATH. The fake's processes run `sleep <marker>`, so they can be found.
func setup(t *testing.T, script string) (guard string, env []string, marker string) {
	t.Helper()
	guardDir, cliDir := t.TempDir(), t.TempDir()
	guard = filepath.Join(guardDir, "pulumi")
	if out, err := exec.Command("go", "build", "-o", guard, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	marker = fmt.Sprintf("%d.%d", 1000+os.Getpid()%1000, time.Now().UnixNano()%1000000)
	script = strings.ReplaceAll(script, "MARKER", marker)
	if err := os.WriteFile(filepath.Join(cliDir, "pulumi"), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	env = append(os.Environ(), "PATH="+guardDir+":"+cliDir+":"+os.Getenv("PATH"))
	return guard, env, marker
}

// running lists the processes whose command line holds the marker.
func running(marker string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !strings.Contains(string(cmdline), marker) {
			continue
		}
		stat, _ := os.ReadFile("/proc/" + e.Name() + "/stat")
		if fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:])); len(fields) > 0 && fields[0] == "Z" {
			continue
		}
		found = append(found, e.Name()+" "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	return found
}

func waitGone(t *testing.T, marker string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for len(running(marker)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("still running after %v: %v", within, running(marker))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestStopsWhatTheCLILeavesAndKeepsItsStatus(t *testing.T) {
	// A detached child, a child that ignores SIGTERM, and a grandchild: none may outlive the CLI.
	guard, env, marker := setup(t, `
setsid sleep MARKER &
sh -c 'trap "" TERM; sleep MARKER; :' &
sh -c 'sleep MARKER & wait' &
echo "args: $*"
exit 3
`)
	cmd := exec.Command(guard, "up", "--yes")
	cmd.Env = env
	out, err := cmd.Output()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 3 {
		t.Fatalf("want exit 3, got %v", err)
	}
	if !strings.Contains(string(out), "args: up --yes") {
		t.Fatalf("arguments not passed on: %q", out)
	}
	if left := running(marker); len(left) > 0 {
		t.Fatalf("left running: %v", left)
	}
}

func TestPassesOnSIGINTOnce(t *testing.T) {
	// The Automation API cancels with SIGINT; the CLI must see it exactly once.
	guard, env, marker := setup(t, `
n=0
trap 'n=$((n+1))' INT
sleep MARKER &
s=$!
wait $s; sleep 0.3
kill $s
echo "interrupts: $n"
`)
	cmd := exec.Command(guard, "up")
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	if !strings.Contains(out.String(), "interrupts: 1") {
		t.Fatalf("want one interrupt, got %q", out.String())
	}
	waitGone(t, marker, 5*time.Second)
}

func TestEndsTheRunWhenItsCallerDies(t *testing.T) {
	guard, env, marker := setup(t, `
trap '' INT TERM
sleep MARKER &
sh -c 'sleep MARKER' &
wait
`)
	caller := exec.Command("sh", "-c", guard+" up & wait")
	caller.Env = env
	if err := caller.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(running(marker)) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the fake CLI did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = caller.Process.Kill()
	_ = caller.Wait()
	waitGone(t, marker, 5*time.Second)
}
