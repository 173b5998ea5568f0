// Package goshared holds what the Go targets (src/targets/gin, src/targets/fiber) share and
// what is not HTTP: configuration, the contract's error shape, input rules and route table, the
// pgx data layer of scenarios 03–04 and 09–13, the contract groups of 14–19 (cache-aside and
// sessions on go-redis, scrypt logins, JWTs, aggregation and search SQL), JWT verification, the
// request-log ring buffer, multipart hashing and the upstream client. Each framework keeps its
// own idiomatic HTTP layer on top.
package goshared
