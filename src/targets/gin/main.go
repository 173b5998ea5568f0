// Command gin is the Gin target of the lab: the whole HTTP contract (src/contract/openapi.yaml),
// scenarios 01–19, on Gin over net/http, with the /db routes and the groups of 14–19 on raw SQL
// through pgx and, with REDIS_URL, go-redis.
package main

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"backendlab/goshared/config"
	"backendlab/goshared/target"
)

// Server limits besides LAB_REQUEST_TIMEOUT_MS (the read timeouts, from the configuration).
const (
	writeTimeout = 30 * time.Second
	idleTimeout  = 60 * time.Second
	// maxHeaderBytes is the contract's request head limit: net/http answers 431 above it.
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
		Handler: (&server{deps}).router(),
		// A request's head and body must arrive within LAB_REQUEST_TIMEOUT_MS, so a client
		// trickling bytes (slowloris) holds a connection that long at most: net/http closes a
		// head that is late, and a handler's body read fails (fail answers 408).
		ReadHeaderTimeout: cfg.RequestTimeout,
		ReadTimeout:       cfg.RequestTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	})
}
