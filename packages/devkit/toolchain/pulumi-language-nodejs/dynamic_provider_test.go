package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The test binary stands in for the built one: started under the plugin's name, it runs main.
func TestMain(m *testing.M) {
	if isDynamicProvider(os.Args[0]) {
		main()
	}
	os.Exit(m.Run())
}

func TestDynamicProviderNameIsRecognised(t *testing.T) {
	if !isDynamicProvider("/opt/pulumi/bin/pulumi-resource-pulumi-nodejs") {
		t.Fatal("the dynamic provider's name was not recognised")
	}
	if isDynamicProvider("/opt/pulumi/bin/pulumi-language-nodejs") {
		t.Fatal("the language host was taken for the dynamic provider")
	}
}

// Started under the plugin's name, the binary becomes node running the program's own
// @pulumi/pulumi dynamic-provider entry, with the engine's arguments.
func TestDynamicProviderExecsTheProgramsEntry(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	dir := t.TempDir()
	entry := filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider")
	writeFile(t, filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), `{"name":"@pulumi/pulumi"}`)
	writeFile(t, filepath.Join(entry, "index.js"), `console.log("dynamic provider " + process.argv.slice(2).join(" "))`)

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), dynamicProviderName)
	if err := os.Symlink(self, link); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(link, "127.0.0.1:12345")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "dynamic provider 127.0.0.1:12345" {
		t.Fatalf("got %q", got)
	}
}
