// Package meta is GET /meta of the Go targets.
package meta

import (
	"os"
	"runtime"
	"runtime/debug"
)

// Meta is the contract's Meta body.
type Meta struct {
	Target           string  `json:"target"`
	Framework        string  `json:"framework"`
	FrameworkVersion string  `json:"frameworkVersion"`
	Adapter          *string `json:"adapter"`
	DataLayer        string  `json:"dataLayer"`
	Runtime          string  `json:"runtime"`
	RuntimeVersion   string  `json:"runtimeVersion"`
	PID              int     `json:"pid"`
	DBPool           int     `json:"dbPool"`
}

// New describes this process. The target name follows the registry: the folder's name on the
// manifest's first data layer (defaultLayer), `<name>+<layer>` on the others. The framework
// version is the module version compiled in (what go.mod pins).
func New(target, framework, module, defaultLayer, dataLayer string, dbPool int) Meta {
	name := target
	if dataLayer != defaultLayer {
		name += "+" + dataLayer
	}
	return Meta{
		Target:           name,
		Framework:        framework,
		FrameworkVersion: ModuleVersion(module),
		DataLayer:        dataLayer,
		Runtime:          "go",
		RuntimeVersion:   runtime.Version(),
		PID:              os.Getpid(),
		DBPool:           dbPool,
	}
}

// ModuleVersion is the version of a dependency built into this binary, "unknown" without
// build information.
func ModuleVersion(module string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == module {
				if dep.Replace != nil {
					return dep.Replace.Version
				}
				return dep.Version
			}
		}
	}
	return "unknown"
}
