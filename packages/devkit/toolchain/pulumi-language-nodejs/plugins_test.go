package main

import (
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRequiredPluginsFindsHoistedProviders(t *testing.T) {
	root := t.TempDir()
	program := filepath.Join(root, "stacks", "proof")
	writeFile(t, filepath.Join(program, "package.json"), `{"name":"proof"}`)
	writeFile(t, filepath.Join(root, "node_modules", "@pulumi", "kubernetes", "package.json"),
		`{"name":"@pulumi/kubernetes","version":"4.25.0","pulumi":{"resource":true,"name":"kubernetes","version":"4.25.0"}}`)
	writeFile(t, filepath.Join(root, "node_modules", "@pulumi", "random", "package.json"),
		`{"name":"@pulumi/random","version":"4.21.2","pulumi":{"resource":true}}`)
	writeFile(t, filepath.Join(root, "node_modules", "@pulumi", "pulumi", "package.json"),
		`{"name":"@pulumi/pulumi","version":"3.248.0"}`)
	writeFile(t, filepath.Join(program, "node_modules", "@acme", "thing", "package.json"),
		`{"name":"@acme/thing","version":"v1.2.3","pulumi":{"resource":true,"server":"https://example.invalid"}}`)

	refs, err := requiredPlugins(program)
	if err != nil {
		t.Fatal(err)
	}
	want := []pluginRef{
		{Name: "acme/thing", Version: "v1.2.3", Server: "https://example.invalid"},
		{Name: "kubernetes", Version: "v4.25.0"},
		{Name: "random", Version: "v4.21.2"},
	}
	if len(refs) != len(want) {
		t.Fatalf("got %+v, want %+v", refs, want)
	}
	for i := range want {
		if refs[i] != want[i] {
			t.Errorf("plugin %d: got %+v, want %+v", i, refs[i], want[i])
		}
	}
}

func TestRequiredPluginsRejectsBrokenPackageJSON(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "node_modules", "bad", "package.json"), `{"name": `)
	if _, err := requiredPlugins(root); err == nil {
		t.Fatal("expected an error for a malformed package.json")
	}
}

func TestConfigEnvUsesNamespaceColonName(t *testing.T) {
	got, err := configEnv(map[string]string{"dotmac:tier": "starter", "kubernetes:context": "local"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"dotmac:tier":"starter","kubernetes:context":"local"}`
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if _, err := configEnv(map[string]string{"no-namespace": "x"}); err == nil {
		t.Fatal("expected an error for a key without a namespace")
	}
}

func TestParseRuntimeOptionsDefaultsToTypeScript(t *testing.T) {
	if ro := parseRuntimeOptions(nil); !ro.typescript || len(ro.nodeArgs) != 0 {
		t.Fatalf("unexpected defaults %+v", ro)
	}
}
