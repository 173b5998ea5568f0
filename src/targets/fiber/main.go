// Command fiber is the Fiber target of the lab: the whole HTTP contract (src/contract/openapi.yaml),
// scenarios 01–13, on Fiber v2 over fasthttp (one process, no prefork), with the /db routes on
// raw SQL through pgx.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"

	"backendlab/goshared/auth"
	"backendlab/goshared/config"
	"backendlab/goshared/contract"
	"backendlab/goshared/dbapi"
	"backendlab/goshared/meta"
	"backendlab/goshared/reqlog"
	"backendlab/goshared/store"
	"backendlab/goshared/upload"
	"backendlab/goshared/upstream"
)

// dataLayers this binary has; the first is the default (target `fiber`).
var dataLayers = []string{"pgx"}

// fasthttp's ReadTimeout covers a request's head and body, so a slow or stalled client
// (slowloris) cannot hold a connection for long; idle keep-alive connections close after
// idleTimeout.
const (
	readTimeout  = 30 * time.Second
	writeTimeout = 30 * time.Second
	idleTimeout  = 60 * time.Second
	// readBufferSize bounds a request's head: Node's default header limit, so no target takes
	// larger headers (fasthttp answers 431 above it).
	readBufferSize = 16 << 10
	shutdownGrace  = 10 * time.Second
)

func main() {
	cfg := config.MustLoad(dataLayers)

	pool, err := store.OpenPool(context.Background(), cfg.DatabaseURL, cfg.DBPool)
	if err != nil {
		fatal(err)
	}
	client := upstream.New(cfg.UpstreamURL, cfg.DBPool)
	s := &server{
		users:       store.NewUsers(pool),
		db:          dbapi.API{Layer: store.NewPgxLayer(pool)},
		upstream:    client,
		log:         reqlog.New(),
		auth:        auth.NewVerifier(cfg.AuthSecret),
		validate:    contract.NewValidator(),
		meta:        meta.New("fiber", "fiber", "github.com/gofiber/fiber/v2", dataLayers[0], cfg.DataLayer, cfg.DBPool),
		uploadLimit: cfg.UploadLimit,
	}
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		// fasthttp reads a whole body before the handler runs: uploads up to their limit plus
		// multipart framing; JSON routes refuse more than 1 MiB themselves (jsonBody).
		BodyLimit:                    int(cfg.UploadLimit + upload.Slack),
		DisablePreParseMultipartForm: true, // the upload handler parses (and hashes) itself
		ReadTimeout:                  readTimeout,
		WriteTimeout:                 writeTimeout,
		IdleTimeout:                  idleTimeout,
		ReadBufferSize:               readBufferSize,
		JSONEncoder:                  json.Marshal,
		JSONDecoder:                  contract.DecodeStrict,
		ErrorHandler:                 errorHandler,
		// QUERY is a method too: on a known path it is answered 405, not "invalid method".
		RequestMethods: append(slices.Clone(fiber.DefaultMethods), "QUERY"),
	})
	s.routes(app)

	listener, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		fatal(err)
	}
	// GOMAXPROCS is the launcher's {cpuCount}; said once here so that a run's log records it.
	fmt.Fprintf(os.Stderr, "fiber target: listening on http://%s (GOMAXPROCS=%d, %s, fiber %s, data layer %s, pool %d)\n",
		listener.Addr(), runtime.GOMAXPROCS(0), runtime.Version(), s.meta.FrameworkVersion, cfg.DataLayer, cfg.DBPool)

	served := make(chan error, 1)
	go func() { served <- app.Listener(listener) }()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-served:
		fatal(err)
	case <-stop:
	}
	// Stop accepting, let in-flight requests finish, then close the pool.
	err = app.ShutdownWithTimeout(shutdownGrace)
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
		fmt.Fprintf(os.Stderr, "fiber target: EADDRINUSE: %v\n", err)
	} else {
		fmt.Fprintf(os.Stderr, "fiber target: %v\n", err)
	}
	os.Exit(1)
}
