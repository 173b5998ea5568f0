// Command fiber is the Fiber target of the lab: the whole HTTP contract (src/contract/openapi.yaml),
// scenarios 01–19, on Fiber v2 over fasthttp (one process, no prefork), with the /db routes and
// the groups of 14–19 on raw SQL through pgx and, with REDIS_URL, go-redis.
package main

import (
	"context"
	"encoding/json"
	"net"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"backendlab/goshared/config"
	"backendlab/goshared/contract"
	"backendlab/goshared/target"
	"backendlab/goshared/upload"
)

// Server limits besides ReadTimeout, LAB_REQUEST_TIMEOUT_MS: fasthttp's ReadTimeout
// covers a request's head and body, so a client trickling bytes (slowloris) is answered 408 and
// cut off after it. Idle keep-alive connections close after idleTimeout.
const (
	writeTimeout = 30 * time.Second
	idleTimeout  = 60 * time.Second
	// readBufferSize bounds a request's head: Node's default header limit, so no target takes
	// larger headers (fasthttp answers 431 above it).
	readBufferSize = 16 << 10
)

func main() {
	cfg := config.MustLoad(target.DataLayers)
	deps, err := target.Open(cfg, "fiber", "fiber", "github.com/gofiber/fiber/v2")
	if err != nil {
		target.Fatal("fiber", err)
	}
	srv := &server{Deps: deps, validate: contract.NewValidator()}
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		// fasthttp reads a whole body before the handler runs: uploads up to their limit plus
		// multipart framing; JSON routes refuse more than 1 MiB themselves (jsonBody).
		BodyLimit:                    int(cfg.UploadLimit + upload.Slack),
		DisablePreParseMultipartForm: true, // the upload handler parses (and hashes) itself
		ReadTimeout:                  cfg.RequestTimeout,
		WriteTimeout:                 writeTimeout,
		IdleTimeout:                  idleTimeout,
		ReadBufferSize:               readBufferSize,
		JSONEncoder:                  json.Marshal,
		JSONDecoder:                  contract.DecodeStrict,
		ErrorHandler:                 srv.errorHandler,
		// QUERY is a method too: on a known path it is answered 405, not "invalid method".
		RequestMethods: append(slices.Clone(fiber.DefaultMethods), "QUERY"),
	})
	srv.routes(app)
	target.Run("fiber", cfg, deps, fiberServer{app})
}

// fiberServer is a Fiber app as a target.Server.
type fiberServer struct{ app *fiber.App }

func (s fiberServer) Serve(listener net.Listener) error { return s.app.Listener(listener) }

func (s fiberServer) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }
