// Command gin is the Gin target of the lab: the whole HTTP contract (src/contract/openapi.yaml),
// scenarios 01–13, on Gin over net/http, with the /db routes on raw SQL through pgx.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"backendlab/goshared/auth"
	"backendlab/goshared/config"
	"backendlab/goshared/dbapi"
	"backendlab/goshared/meta"
	"backendlab/goshared/reqlog"
	"backendlab/goshared/store"
	"backendlab/goshared/upstream"
)

// dataLayers this binary has; the first is the default (target `gin`).
var dataLayers = []string{"pgx"}

// Server timeouts: a slow or stalled client (slowloris) cannot hold a connection for long,
// while a 10 MiB upload over loopback takes milliseconds.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 60 * time.Second
	// maxHeaderBytes is Node's default header limit, so no target takes larger headers.
	maxHeaderBytes = 16 << 10
	shutdownGrace  = 10 * time.Second
)

func main() {
	cfg := config.MustLoad(dataLayers)
	gin.SetMode(gin.ReleaseMode)

	pool, err := store.OpenPool(context.Background(), cfg.DatabaseURL, cfg.DBPool)
	if err != nil {
		fatal(err)
	}
	client := upstream.New(cfg.UpstreamURL, cfg.DBPool)
	app := &server{
		users:       store.NewUsers(pool),
		db:          dbapi.API{Layer: store.NewPgxLayer(pool)},
		upstream:    client,
		log:         reqlog.New(),
		auth:        auth.NewVerifier(cfg.AuthSecret),
		meta:        meta.New("gin", "gin", "github.com/gin-gonic/gin", dataLayers[0], cfg.DataLayer, cfg.DBPool),
		uploadLimit: cfg.UploadLimit,
	}
	srv := &http.Server{
		Handler:           app.router(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
	listener, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		fatal(err)
	}
	// GOMAXPROCS is the launcher's {cpuCount}; said once here so that a run's log records it.
	fmt.Fprintf(os.Stderr, "gin target: listening on http://%s (GOMAXPROCS=%d, %s, gin %s, data layer %s, pool %d)\n",
		listener.Addr(), runtime.GOMAXPROCS(0), runtime.Version(), app.meta.FrameworkVersion, cfg.DataLayer, cfg.DBPool)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(listener) }()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-served:
		fatal(err)
	case <-stop:
	}
	// Stop accepting, let in-flight requests finish, then close the pool.
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(ctx)
	client.Close()
	pool.Close()
	if err != nil {
		fatal(err)
	}
}

// fatal is one line on stderr and exit 1. EADDRINUSE is named as such: the launcher retries
// another port when it reads it.
func fatal(err error) {
	if errors.Is(err, syscall.EADDRINUSE) {
		fmt.Fprintf(os.Stderr, "gin target: EADDRINUSE: %v\n", err)
	} else {
		fmt.Fprintf(os.Stderr, "gin target: %v\n", err)
	}
	os.Exit(1)
}
