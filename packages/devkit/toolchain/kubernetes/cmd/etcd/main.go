// Command etcd runs etcd's own entry point; it lives here so etcd is built from the
// same module graph (and so the same etcd release) that kube-apiserver is tested against.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
