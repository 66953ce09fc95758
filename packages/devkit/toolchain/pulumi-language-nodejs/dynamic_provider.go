package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// dynamicProviderName is the plugin the engine starts for resources whose provider lives in the
// program itself (pulumi.dynamic). Pulumi's release archives ship it as a shell script; this
// binary answers to that name too (a symlink to it), so images with no shell can run it.
const dynamicProviderName = "pulumi-resource-pulumi-nodejs"

// isDynamicProvider tells whether we were started under the dynamic provider's name.
func isDynamicProvider(argv0 string) bool {
	return filepath.Base(argv0) == dynamicProviderName
}

// execDynamicProvider replaces this process with the dynamic-provider host of whichever
// @pulumi/pulumi the program (the working directory) resolves, passing the engine's arguments on.
func execDynamicProvider(nodeBin string, args []string) error {
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	h := newHost(nodeBin, "")
	entry, err := h.resolveModule(context.Background(), dir, "@pulumi/pulumi/cmd/dynamic-provider")
	if err != nil {
		return fmt.Errorf("%s: %w", dynamicProviderName, err)
	}
	return syscall.Exec(nodeBin, append([]string{nodeBin, entry}, args...), os.Environ())
}
