package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// A stand-in engine: a gRPC server answering the standard health service, as Pulumi's does.
func startEngine(t *testing.T) (addr string, stop func()) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	healthpb.RegisterHealthServer(srv, health.NewServer())
	go func() { _ = srv.Serve(lis) }()
	return lis.Addr().String(), srv.Stop
}

func hostAnswers(t *testing.T, port string) bool {
	t.Helper()
	conn, err := grpc.NewClient("127.0.0.1:"+port, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	return err == nil
}

func TestServeStopsWhenTheEngineIsGone(t *testing.T) {
	engine, stopEngine := startEngine(t)
	defer stopEngine()
	out, in := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- serve("node", engine, 50*time.Millisecond, in) }()
	port, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	port = strings.TrimSpace(port)

	// Several health checks pass while the engine is there: the host stays.
	select {
	case err := <-done:
		t.Fatalf("stopped while the engine was alive: %v", err)
	case <-time.After(400 * time.Millisecond):
	}
	if !hostAnswers(t, port) {
		t.Fatal("the host does not answer while the engine is alive")
	}

	stopEngine()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "is gone") {
			t.Fatalf("want an error saying the engine is gone, got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still serving 5 s after the engine went away")
	}
	if hostAnswers(t, port) {
		t.Fatal("the host still answers after stopping")
	}
}
