package protobuf

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// normalizeNumber is how Confluent's normalization writes an option's
// number: commons-lang3's NumberUtils.createNumber reads it (octal, hex,
// type suffixes, Float before Double before BigDecimal) and Java's default
// DecimalFormat writes it back (no grouping, at most three fraction
// digits, half-even rounding). Text that is not a number to Java ("inf",
// "nan") is kept as it is.
func normalizeNumber(text string) string {
	n, ok := createNumber(text)
	if !ok {
		return text
	}
	return n.format()
}

// javaNumber is an exact decimal value: digits with the decimal point
// point places from their left.
type javaNumber struct {
	negative bool
	digits   string
	point    int
	// tie tells, for a double, how its exact binary value compares with
	// digits (the shortest text of it): Java's DecimalFormat rounds those
	// digits, breaking a half-way tie by the exact value.
	tie int
}

// format writes the number as Java's default DecimalFormat does.
func (n javaNumber) format() string {
	intPart, frac := n.split()
	if len(frac) > 3 {
		up := false
		switch rest := frac[3:]; {
		case rest[0] > '5':
			up = true
		case rest[0] == '5':
			switch {
			case strings.TrimRight(rest[1:], "0") != "" || n.tie > 0:
				up = true
			case n.tie == 0:
				up = (digitAt(frac, 2, intPart)-'0')%2 == 1
			}
		}
		frac = frac[:3]
		if up {
			intPart, frac = roundUp(intPart, frac)
		}
	}
	frac = strings.TrimRight(frac, "0")
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	s := intPart
	if frac != "" {
		s += "." + frac
	}
	if n.negative {
		s = "-" + s
	}
	return s
}

// digitAt returns frac[i], or the last integer digit when i < 0.
func digitAt(frac string, i int, intPart string) byte {
	if i >= 0 {
		return frac[i]
	}
	if intPart == "" {
		return '0'
	}
	return intPart[len(intPart)-1]
}

// split returns the digits before and after the decimal point.
func (n javaNumber) split() (string, string) {
	switch {
	case n.point <= 0:
		return "", strings.Repeat("0", -n.point) + n.digits
	case n.point >= len(n.digits):
		return n.digits + strings.Repeat("0", n.point-len(n.digits)), ""
	}
	return n.digits[:n.point], n.digits[n.point:]
}

// roundUp adds one unit in the last place of intPart.frac.
func roundUp(intPart, frac string) (string, string) {
	all := []byte(intPart + frac)
	i := len(all) - 1
	for ; i >= 0 && all[i] == '9'; i-- {
		all[i] = '0'
	}
	if i < 0 {
		all = append([]byte{'1'}, all...)
	} else {
		all[i]++
	}
	cut := len(all) - len(frac)
	return string(all[:cut]), string(all[cut:])
}

func integerNumber(v *big.Int) javaNumber {
	s := v.String()
	n := javaNumber{}
	if strings.HasPrefix(s, "-") {
		n.negative, s = true, s[1:]
	}
	n.digits, n.point = s, len(s)
	return n
}

// floatNumber is a double as DecimalFormat sees it: its shortest digits,
// and how the exact value compares with them.
func floatNumber(v float64) javaNumber {
	abs := math.Abs(v)
	n := javaNumber{negative: math.Signbit(v)}
	s := strconv.FormatFloat(abs, 'e', -1, 64)
	mantissa, exponent, _ := strings.Cut(s, "e")
	intPart, frac, _ := strings.Cut(mantissa, ".")
	e, _ := strconv.Atoi(exponent)
	n.digits, n.point = intPart+frac, len(intPart)+e
	shortest, _ := new(big.Rat).SetString(s)
	n.tie = new(big.Rat).SetFloat64(abs).Cmp(shortest)
	return n
}

// createNumber reads text as commons-lang3's NumberUtils.createNumber.
func createNumber(str string) (javaNumber, bool) {
	if strings.TrimSpace(str) == "" {
		return javaNumber{}, false
	}
	length := len(str)
	offset := 0
	if str[0] == '+' || str[0] == '-' {
		offset = 1
	}
	prefixLength := 0
	for _, prefix := range []string{"0x", "0X", "#"} {
		if strings.HasPrefix(str[offset:], prefix) {
			prefixLength = len(prefix) + offset
			break
		}
	}
	if prefixLength > 0 {
		// Hexadecimal: an Integer, Long or BigInteger, all exact.
		v, ok := decodeInteger(str)
		return integerNumber(v), ok
	}
	lastChar := str[length-1]
	decPos := strings.IndexByte(str, '.')
	expPos := strings.IndexByte(str, 'e') + strings.IndexByte(str, 'E') + 1
	var mant, dec string
	hasDec := false
	if decPos > -1 {
		if expPos > -1 {
			if expPos <= decPos || expPos > length {
				return javaNumber{}, false
			}
			dec = str[decPos+1 : expPos]
		} else {
			dec = str[decPos+1:]
		}
		hasDec = true
		mant = str[offset:decPos]
	} else {
		switch {
		case expPos > -1:
			if expPos > length {
				return javaNumber{}, false
			}
			mant = str[offset:expPos]
		default:
			mant = str[offset:]
		}
	}
	isZero := func() bool { return allZeros(mant) && (!hasDec || allZeros(dec)) }
	if !isDigit(lastChar) && lastChar != '.' {
		hasExp := expPos > -1 && expPos < length-1
		numeric := str[:length-1]
		switch lastChar {
		case 'l', 'L':
			if !hasDec && !hasExp && (strings.HasPrefix(numeric, "-") && isDigits(numeric[1:]) || isDigits(numeric)) {
				v, ok := decodeInteger(numeric)
				if !ok {
					return javaNumber{}, false
				}
				return integerNumber(v), true
			}
			return javaNumber{}, false
		case 'f', 'F':
			if f, ok := javaParseFloat(str, 32); ok && !math.IsInf(f, 0) && (f != 0 || isZero()) {
				return floatNumber(f), true
			}
			fallthrough
		case 'd', 'D':
			if d, ok := javaParseFloat(str, 64); ok && !math.IsInf(d, 0) && (d != 0 || isZero()) {
				return floatNumber(d), true
			}
			return bigDecimal(numeric)
		}
		return javaNumber{}, false
	}
	hasExp := expPos > -1 && expPos < length-1
	if !hasDec && !hasExp {
		v, ok := decodeInteger(str)
		if !ok {
			return javaNumber{}, false
		}
		return integerNumber(v), true
	}
	f, okFloat := javaParseFloat(str, 32)
	d, okDouble := javaParseFloat(str, 64)
	if okFloat && okDouble {
		if !math.IsInf(f, 0) && (f != 0 || isZero()) && javaFloatString(f, 32) == javaFloatString(d, 64) {
			return floatNumber(f), true
		}
		if !math.IsInf(d, 0) && (d != 0 || isZero()) {
			b, ok := bigDecimal(str)
			if ok && sameValue(b, floatNumber(d)) {
				return floatNumber(d), true
			}
			return b, ok
		}
	}
	return bigDecimal(str)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// allZeros is commons-lang3's isAllZeros of a part that is present.
func allZeros(s string) bool {
	return s != "" && strings.Trim(s, "0") == ""
}

// decodeInteger reads an integer as Java's Integer.decode and
// BigInteger would: a sign, then 0x, 0X or # for hexadecimal, a leading 0
// for octal, or decimal digits.
func decodeInteger(s string) (*big.Int, bool) {
	negative := false
	switch {
	case strings.HasPrefix(s, "-"):
		negative, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	base := 10
	switch {
	case strings.HasPrefix(s, "0x"), strings.HasPrefix(s, "0X"):
		s, base = s[2:], 16
	case strings.HasPrefix(s, "#"):
		s, base = s[1:], 16
	case strings.HasPrefix(s, "0") && len(s) > 1:
		s, base = s[1:], 8
	}
	if s == "" || s[0] == '-' || s[0] == '+' {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		if hexDigit(s[i]) < 0 || hexDigit(s[i]) >= base {
			return nil, false
		}
	}
	v, ok := new(big.Int).SetString(s, base)
	if ok && negative {
		v.Neg(v)
	}
	return v, ok
}

// javaParseFloat reads text as Java's Float.valueOf (bits 32) or
// Double.valueOf (bits 64): decimal digits with an optional point and
// exponent and an optional f, F, d or D suffix. (NaN and Infinity never
// reach it: createNumber refuses them first.)
func javaParseFloat(s string, bits int) (float64, bool) {
	body := s
	if n := len(body); n > 0 && strings.ContainsRune("fFdD", rune(body[n-1])) {
		body = body[:n-1]
	}
	unsigned := strings.TrimLeft(body, "+-")
	if len(body)-len(unsigned) > 1 {
		return 0, false
	}
	mantissa, exponent, hasExp := strings.Cut(strings.ToLower(unsigned), "e")
	intPart, frac, _ := strings.Cut(mantissa, ".")
	if intPart+frac == "" || !isDigitsOrEmpty(intPart) || !isDigitsOrEmpty(frac) {
		return 0, false
	}
	if hasExp {
		digits := strings.TrimLeft(exponent, "+-")
		if len(exponent)-len(digits) > 1 || !isDigits(digits) {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(body, bits)
	if err != nil && !isRangeError(err) {
		return 0, false
	}
	return v, true
}

func isDigitsOrEmpty(s string) bool { return s == "" || isDigits(s) }

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// bigDecimal reads text as Java's BigDecimal(String).
func bigDecimal(s string) (javaNumber, bool) {
	n := javaNumber{}
	switch {
	case strings.HasPrefix(s, "-"):
		n.negative, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	mantissa, exponent, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mantissa, ".")
	if intPart+frac == "" || !isDigitsOrEmpty(intPart) || !isDigitsOrEmpty(frac) {
		return javaNumber{}, false
	}
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(exponent)
		if err != nil || e > 1<<20 || e < -(1<<20) {
			return javaNumber{}, false
		}
		exp = e
	}
	n.digits, n.point = intPart+frac, len(intPart)+exp
	return n, true
}

// sameValue compares two exact decimals.
func sameValue(a, b javaNumber) bool {
	ai, af := a.split()
	bi, bf := b.split()
	ai, bi = strings.TrimLeft(ai, "0"), strings.TrimLeft(bi, "0")
	af, bf = strings.TrimRight(af, "0"), strings.TrimRight(bf, "0")
	zero := ai == "" && af == ""
	return ai == bi && af == bf && (zero && (bi == "" && bf == "") || a.negative == b.negative)
}

// javaFloatString writes a float or double as Java's Float.toString or
// Double.toString: the shortest digits that read back to the value, in
// plain notation from 10^-3 to 10^7 and computerized scientific notation
// outside.
func javaFloatString(v float64, bits int) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	case v == 0:
		if math.Signbit(v) {
			return "-0.0"
		}
		return "0.0"
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	if v >= 1e-3 && v < 1e7 {
		s := strconv.FormatFloat(v, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return sign + s
	}
	s := strconv.FormatFloat(v, 'e', -1, bits)
	mantissa, exponent, _ := strings.Cut(s, "e")
	if !strings.Contains(mantissa, ".") {
		mantissa += ".0"
	}
	e, _ := strconv.Atoi(exponent)
	return sign + mantissa + "E" + strconv.Itoa(e)
}
