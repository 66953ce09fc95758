package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// packageJSON holds the fields of a package.json that say whether it ships a Pulumi provider.
type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// pluginRef is one resource provider plugin a program needs.
type pluginRef struct {
	Name    string
	Version string
	Server  string
}

// nodeModulesDirs lists the node_modules folders Node's resolver would search from dir: dir's own
// and every ancestor's, nearest first. npm workspaces hoist packages to the repository root, so a
// program in a sub-folder finds its providers there.
func nodeModulesDirs(dir string) []string {
	var dirs []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules")
		if info, err := os.Stat(candidate); err == nil && info.IsDir() {
			dirs = append(dirs, candidate)
		}
		if filepath.Dir(d) == d {
			return dirs
		}
	}
}

// packageDirs lists the packages installed directly in one node_modules folder, scoped ones included.
func packageDirs(nodeModules string) ([]string, error) {
	entries, err := os.ReadDir(nodeModules)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		full := filepath.Join(nodeModules, name)
		if strings.HasPrefix(name, "@") {
			scoped, err := os.ReadDir(full)
			if err != nil {
				continue
			}
			for _, s := range scoped {
				dirs = append(dirs, filepath.Join(full, s.Name()))
			}
			continue
		}
		dirs = append(dirs, full)
	}
	return dirs, nil
}

// readPluginRef returns the plugin a package declares, or nil when it declares none.
func readPluginRef(pkgDir string) (*pluginRef, error) {
	b, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var pkg packageJSON
	if err := json.Unmarshal(b, &pkg); err != nil {
		return nil, fmt.Errorf("parsing %s/package.json: %w", pkgDir, err)
	}
	if !pkg.Pulumi.Resource {
		return nil, nil
	}
	name := pkg.Pulumi.Name
	if name == "" {
		name = pluginNameFromPackage(pkg.Name)
	}
	version := pkg.Pulumi.Version
	if version == "" {
		version = pkg.Version
	}
	if name == "" || version == "" {
		return nil, fmt.Errorf("%s/package.json declares a Pulumi plugin without a name or version", pkgDir)
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	return &pluginRef{Name: name, Version: version, Server: pkg.Pulumi.Server}, nil
}

// pluginNameFromPackage maps "@pulumi/kubernetes" to "kubernetes" and "@acme/x" to "acme/x".
func pluginNameFromPackage(name string) string {
	if rest, ok := strings.CutPrefix(name, "@pulumi/"); ok {
		return rest
	}
	return strings.TrimPrefix(name, "@")
}

// requiredPlugins finds every provider plugin installed where the program in dir can load it,
// one entry per name and version, sorted for stable output.
func requiredPlugins(dir string) ([]pluginRef, error) {
	seen := map[string]pluginRef{}
	for _, nm := range nodeModulesDirs(dir) {
		pkgs, err := packageDirs(nm)
		if err != nil {
			return nil, err
		}
		for _, pkgDir := range pkgs {
			ref, err := readPluginRef(pkgDir)
			if err != nil {
				return nil, err
			}
			if ref != nil {
				seen[ref.Name+"@"+ref.Version] = *ref
			}
		}
	}
	refs := make([]pluginRef, 0, len(seen))
	for _, r := range seen {
		refs = append(refs, r)
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Name != refs[j].Name {
			return refs[i].Name < refs[j].Name
		}
		return refs[i].Version < refs[j].Version
	})
	return refs, nil
}
