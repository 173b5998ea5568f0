// Package upstream is the client of GET /external: GET {UPSTREAM_URL}/data through one
// keep-alive transport sized like the database pool, as src/targets/shared/upstream-client.ts.
package upstream

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"backendlab/goshared/apperr"
)

// maxBody bounds what is read from the upstream (its payload is a few KiB).
const maxBody = 16 << 20

// Client calls the upstream stub.
type Client struct {
	url    string
	client *http.Client
}

// New makes a client of baseURL with at most connections connections.
func New(baseURL string, connections int) *Client {
	transport := &http.Transport{
		MaxConnsPerHost:     connections,
		MaxIdleConnsPerHost: connections,
		IdleConnTimeout:     30 * time.Second,
	}
	return &Client{url: baseURL + "/data", client: &http.Client{Transport: transport, Timeout: 10 * time.Second}}
}

// Data returns the upstream's JSON body unchanged; any failure is 502.
func (c *Client) Data(ctx context.Context) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, apperr.New(apperr.BadGateway, "upstream failed: %v", err)
	}
	res, err := c.client.Do(req)
	if err != nil {
		return nil, apperr.New(apperr.BadGateway, "upstream failed: %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	switch {
	case err != nil:
		return nil, apperr.New(apperr.BadGateway, "upstream failed: %v", err)
	case res.StatusCode < 200 || res.StatusCode > 299:
		return nil, apperr.New(apperr.BadGateway, "upstream answered %d", res.StatusCode)
	case !json.Valid(body):
		return nil, apperr.New(apperr.BadGateway, "upstream answered invalid JSON")
	}
	return body, nil
}

// Close drops idle connections.
func (c *Client) Close() { c.client.CloseIdleConnections() }
