package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Row is one generic row of scenario 10, keyed by column name in the table's column order
// (a map would sort them), with values normalised as src/data/pg/layer.ts does: bigint and int
// → number, timestamptz → ISO string with milliseconds, date → 'YYYY-MM-DD', numeric → string
// as PostgreSQL prints it, uuid → its text, jsonb → the parsed value.
type Row struct {
	keys   [][]byte // JSON-encoded column names, shared by every row of a result
	values []any
}

// MarshalJSON writes the row as an object in column order.
func (r Row) MarshalJSON() ([]byte, error) {
	buf := make([]byte, 0, 64*len(r.values))
	buf = append(buf, '{')
	for i, value := range r.values {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, r.keys[i]...)
		buf = append(buf, ':')
		encoded, err := json.Marshal(value)
		if err != nil {
			return nil, err
		}
		buf = append(buf, encoded...)
	}
	return append(buf, '}'), nil
}

// CollectRows reads every row of a generic SELECT into Rows.
func CollectRows(rows pgx.Rows) ([]Row, error) {
	defer rows.Close()
	fields := rows.FieldDescriptions()
	keys := make([][]byte, len(fields))
	convert := make([]func(any) (any, error), len(fields))
	for i, field := range fields {
		keys[i], _ = json.Marshal(field.Name)
		convert[i] = converterFor(field.DataTypeOID)
	}
	result := make([]Row, 0, 16)
	for rows.Next() {
		values, err := rows.Values()
		if err != nil {
			return nil, err
		}
		for i, value := range values {
			if value == nil {
				continue
			}
			if values[i], err = convert[i](value); err != nil {
				return nil, fmt.Errorf("column %s: %w", fields[i].Name, err)
			}
		}
		result = append(result, Row{keys: keys, values: values})
	}
	return result, rows.Err()
}

func converterFor(oid uint32) func(any) (any, error) {
	switch oid {
	case pgtype.TimestamptzOID, pgtype.TimestampOID:
		return func(v any) (any, error) { return ISOTime(v.(time.Time)), nil }
	case pgtype.DateOID:
		return func(v any) (any, error) { return v.(time.Time).Format(time.DateOnly), nil }
	case pgtype.NumericOID:
		return func(v any) (any, error) { return v.(pgtype.Numeric).Value() }
	case pgtype.UUIDOID:
		return func(v any) (any, error) { return pgtype.UUID{Bytes: v.([16]byte), Valid: true}.Value() }
	default:
		return func(v any) (any, error) { return v, nil }
	}
}
