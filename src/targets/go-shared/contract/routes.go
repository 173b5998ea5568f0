package contract

import (
	"slices"
	"strings"

	"backendlab/goshared/apperr"
)

// Route is one path of src/contract/openapi.yaml as the targets route it (src/contract/routes.ts):
// its methods in the order of `Allow` (HEAD wherever GET), its contract group, whether it needs
// Redis (`x-needs-redis`).
type Route struct {
	Template   string
	Allowed    []string
	Group      string
	NeedsRedis bool
	segments   []string
	parameters int
}

var (
	get      = []string{"GET", "HEAD"}
	post     = []string{"POST"}
	getPatch = []string{"GET", "HEAD", "PATCH"}
)

// Routes mirrors the YAML's paths. The frameworks route requests themselves; this table only
// decides 404 vs 405 and `Allow`, which their routers cannot get right for literal paths next
// to templated ones (`/cache/users/warm` next to `/cache/users/{id}`) or for unserved groups.
var Routes = build([]Route{
	{Template: "/health", Allowed: get, Group: "basic"},
	{Template: "/meta", Allowed: get, Group: "basic"},
	{Template: "/echo", Allowed: post, Group: "basic"},
	{Template: "/users", Allowed: []string{"GET", "HEAD", "POST"}, Group: "basic"},
	{Template: "/users/{id}", Allowed: get, Group: "basic"},
	{Template: "/external", Allowed: get, Group: "basic"},
	{Template: "/protected", Allowed: get, Group: "basic"},
	{Template: "/upload", Allowed: post, Group: "basic"},
	{Template: "/db/users/offset", Allowed: get, Group: "db"},
	{Template: "/db/users/keyset", Allowed: get, Group: "db"},
	{Template: "/db/users/cursor", Allowed: get, Group: "db"},
	{Template: "/db/columns/{shape}", Allowed: get, Group: "db"},
	{Template: "/db/types/{type}", Allowed: get, Group: "db"},
	{Template: "/db/authors", Allowed: get, Group: "db"},
	{Template: "/db/bulk/insert", Allowed: post, Group: "db"},
	{Template: "/db/bulk/update", Allowed: post, Group: "db"},
	{Template: "/db/products/{id}/decrement", Allowed: post, Group: "db"},
	{Template: "/cache/users/{id}", Allowed: getPatch, Group: "cache", NeedsRedis: true},
	{Template: "/cache/users/warm", Allowed: post, Group: "cache", NeedsRedis: true},
	{Template: "/cache/users/flush", Allowed: post, Group: "cache", NeedsRedis: true},
	{Template: "/cache/info", Allowed: get, Group: "cache", NeedsRedis: true},
	{Template: "/auth/public", Allowed: get, Group: "auth"},
	{Template: "/auth/jwt/login", Allowed: post, Group: "auth"},
	{Template: "/auth/jwt/me", Allowed: get, Group: "auth"},
	{Template: "/auth/session/login", Allowed: post, Group: "auth", NeedsRedis: true},
	{Template: "/auth/session/me", Allowed: get, Group: "auth", NeedsRedis: true},
	{Template: "/auth/session/logout", Allowed: post, Group: "auth", NeedsRedis: true},
	{Template: "/db/aggregate/count", Allowed: get, Group: "aggregate"},
	{Template: "/db/aggregate/orders-by/{dimension}", Allowed: get, Group: "aggregate"},
	{Template: "/db/aggregate/top-authors", Allowed: get, Group: "aggregate"},
	{Template: "/db/search", Allowed: get, Group: "search"},
	{Template: "/flow/posts", Allowed: get, Group: "flow", NeedsRedis: true},
	{Template: "/flow/posts/{id}", Allowed: getPatch, Group: "flow", NeedsRedis: true},
})

func build(routes []Route) []Route {
	for i := range routes {
		routes[i].segments = strings.Split(routes[i].Template, "/")
		routes[i].parameters = strings.Count(routes[i].Template, "{")
	}
	return routes
}

// matches: a parameter is one non-empty segment.
func (r *Route) matches(segments []string) bool {
	if len(segments) != len(r.segments) {
		return false
	}
	for i, want := range r.segments {
		if strings.HasPrefix(want, "{") {
			if segments[i] == "" {
				return false
			}
		} else if segments[i] != want {
			return false
		}
	}
	return true
}

// Served is what a target serves of the contract: its groups, and whether it has a Redis.
type Served struct {
	Groups []string
	Redis  bool
}

// AllGroups are the contract groups the Go targets implement.
var AllGroups = []string{"basic", "db", "cache", "auth", "aggregate", "search", "flow"}

// Allowed is the methods of path (no query) when it is served, nil otherwise. A literal path
// wins over a templated one, as in OpenAPI.
func (s Served) Allowed(path string) []string {
	segments := strings.Split(path, "/")
	var best *Route
	for i := range Routes {
		r := &Routes[i]
		if !slices.Contains(s.Groups, r.Group) || (r.NeedsRedis && !s.Redis) || !r.matches(segments) {
			continue
		}
		if best == nil || r.parameters < best.parameters {
			best = r
		}
	}
	if best == nil {
		return nil
	}
	return best.Allowed
}

// Unmatched is the answer to a request no route took: 405 with Allow when the path is served
// (another method is declared on it), else 404.
func (s Served) Unmatched(method, path string) *apperr.Error {
	allowed := s.Allowed(path)
	if allowed == nil {
		return apperr.New(apperr.NotFound, "no route for %s %s", method, path)
	}
	allow := strings.Join(allowed, ", ")
	e := apperr.New(apperr.MethodNotAllowed, "%s is not allowed on %s (allowed: %s)", method, path, allow)
	e.Allow = allow
	return e
}

// CheckMethod is for a templated route that a literal path of another operation also matches in
// the framework's router (`PATCH /cache/users/warm` must be 405, not a rename of user "warm").
func (s Served) CheckMethod(method, path string) error {
	if slices.Contains(s.Allowed(path), method) {
		return nil
	}
	return s.Unmatched(method, path)
}
