package store

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"

	"github.com/jackc/pgx/v5/pgtype"
)

// Scenario 17's decimals in exact integer cents (src/data/aggregate-reduce.ts): amounts are
// numeric(10,2), and 100,000 of them sum far below 2^63 cents.

var ten = big.NewInt(10)

// Cents is a numeric with at most two decimals as an integer number of cents.
func Cents(n pgtype.Numeric) (int64, error) {
	if !n.Valid || n.NaN || n.InfinityModifier != pgtype.Finite || n.Int == nil {
		return 0, fmt.Errorf("not a finite numeric: %+v", n)
	}
	value := new(big.Int).Set(n.Int)
	shift := int64(n.Exp) + 2
	power := new(big.Int).Exp(ten, big.NewInt(abs(shift)), nil)
	if shift >= 0 {
		value.Mul(value, power)
	} else {
		var rest big.Int
		value.QuoRem(value, power, &rest)
		if rest.Sign() != 0 {
			return 0, fmt.Errorf("numeric %se%d has more than two decimals", n.Int, n.Exp)
		}
	}
	if !value.IsInt64() {
		return 0, fmt.Errorf("numeric %se%d is out of range", n.Int, n.Exp)
	}
	return value.Int64(), nil
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// FormatCents is 1250 → "12.50", as PostgreSQL prints numeric(…, 2).
func FormatCents(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	fraction := strconv.FormatInt(cents%100, 10)
	if len(fraction) == 1 {
		fraction = "0" + fraction
	}
	return sign + strconv.FormatInt(cents/100, 10) + "." + fraction
}

// AverageCents is round(sum / count, 2) half away from zero, as PostgreSQL rounds numeric.
func AverageCents(sum, count int64) int64 {
	if sum < 0 {
		return -((-2*sum + count) / (2 * count))
	}
	return (2*sum + count) / (2 * count)
}

type tally struct {
	orders, quantity, cents int64
}

// groupStats turns per-key tallies into GroupStats ordered by key (byte order, like COLLATE "C").
func groupStats(groups map[string]*tally) []GroupStats {
	keys := make([]string, 0, len(groups))
	for key := range groups {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	items := make([]GroupStats, len(keys))
	for i, key := range keys {
		t := groups[key]
		items[i] = GroupStats{
			Key: key, Orders: t.orders, Quantity: t.quantity,
			Revenue: FormatCents(t.cents), AvgAmount: FormatCents(AverageCents(t.cents, t.orders)),
		}
	}
	return items
}

type authorTally struct {
	authorID int64
	tally
}

// topTallies is the size authors with the most revenue, ties broken by the lower id.
func topTallies(byAuthor map[int64]*tally, size int64) []authorTally {
	all := make([]authorTally, 0, len(byAuthor))
	for id, t := range byAuthor {
		all = append(all, authorTally{authorID: id, tally: *t})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].cents != all[j].cents {
			return all[i].cents > all[j].cents
		}
		return all[i].authorID < all[j].authorID
	})
	return all[:min(int64(len(all)), size)]
}
