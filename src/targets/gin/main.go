// Command gin is the Gin target of the lab: the whole HTTP contract (src/contract/openapi.yaml),
// scenarios 01–13, on Gin over net/http, with the /db routes on raw SQL through pgx.
package main

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"backendlab/goshared/config"
	"backendlab/goshared/target"
)

// Server timeouts: a slow or stalled client (slowloris) cannot hold a connection for long,
// while a 10 MiB upload over loopback takes milliseconds.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 60 * time.Second
	// maxHeaderBytes is Node's default header limit, so no target takes larger headers.
	maxHeaderBytes = 16 << 10
)

func main() {
	cfg := config.MustLoad(target.DataLayers)
	gin.SetMode(gin.ReleaseMode)
	deps, err := target.Open(cfg, "gin", "gin", "github.com/gin-gonic/gin")
	if err != nil {
		target.Fatal("gin", err)
	}
	target.Run("gin", cfg, deps, &http.Server{
		Handler:           (&server{deps}).router(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	})
}
