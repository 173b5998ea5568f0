package contract

import (
	"reflect"
	"regexp"
	"strings"

	"github.com/go-playground/validator/v10"
)

var price = regexp.MustCompile(`^\d{1,8}(\.\d{1,2})?$`)

// Register adds the contract's rules to a validator (Gin's own, or NewValidator's): the `price`
// tag (a numeric(10,2) decimal string), the `nonul` tag (no U+0000: PostgreSQL text cannot hold
// it, so such a string is the client's 400, not the INSERT's 500) and field paths in JSON names
// for error messages.
func Register(v *validator.Validate) {
	rules := map[string]validator.Func{
		"price": func(fl validator.FieldLevel) bool { return price.MatchString(fl.Field().String()) },
		"nonul": func(fl validator.FieldLevel) bool { return !strings.ContainsRune(fl.Field().String(), 0) },
	}
	for tag, rule := range rules {
		if err := v.RegisterValidation(tag, rule); err != nil {
			panic(err) // only for an invalid tag name, i.e. a bug here
		}
	}
	v.RegisterTagNameFunc(func(field reflect.StructField) string {
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			return field.Name
		}
		return name
	})
}

// NewValidator is a validator configured like Gin's (`binding` tags) plus Register's rules.
func NewValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.SetTagName("binding")
	Register(v)
	return v
}
