package avro

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// javaDouble formats f as Java's Double.toString does, which is how Jackson
// writes a double: "1.0", "0.001", "1.0E7", "1.0E-4", "NaN", "Infinity".
func javaDouble(f float64) string {
	return javaFloating(f, 64)
}

// javaFloat formats f as Java's Float.toString does.
func javaFloat(f float32) string {
	return javaFloating(float64(f), 32)
}

// javaFloating formats a float of bitSize bits as Java does (JDK 19 and
// later): the shortest decimal that reads back as the same value, laid out
// plainly from 10^-3 up to 10^7 and in computerized scientific notation
// outside.
func javaFloating(f float64, bitSize int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	sign := ""
	if f < 0 {
		sign = "-"
		f = -f
	}
	digits, exp := javaDigits(f, bitSize)
	var b strings.Builder
	b.WriteString(sign)
	if exp >= -3 && exp < 7 {
		if exp < 0 {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", -exp-1))
			b.WriteString(digits)
			return b.String()
		}
		if len(digits) <= exp+1 {
			b.WriteString(digits)
			b.WriteString(strings.Repeat("0", exp+1-len(digits)))
			b.WriteString(".0")
			return b.String()
		}
		b.WriteString(digits[:exp+1])
		b.WriteByte('.')
		b.WriteString(digits[exp+1:])
		return b.String()
	}
	b.WriteString(digits[:1])
	b.WriteByte('.')
	if len(digits) > 1 {
		b.WriteString(digits[1:])
	} else {
		b.WriteByte('0')
	}
	b.WriteByte('E')
	b.WriteString(strconv.Itoa(exp))
	return b.String()
}

// javaDigits returns the significant digits d1d2...dn and the exponent e of
// a positive finite f, so that f reads back from d1.d2...dn × 10^e. Java
// picks the shortest such decimal, except that when one digit suffices a
// two digit decimal closer to f is preferred.
func javaDigits(f float64, bitSize int) (string, int) {
	digits, exp := splitScientific(strconv.FormatFloat(f, 'e', -1, bitSize))
	if len(digits) != 1 {
		return digits, exp
	}
	two := strconv.FormatFloat(f, 'e', 1, bitSize)
	twoDigits, twoExp := splitScientific(two)
	if twoDigits[1] == '0' && twoExp == exp && twoDigits[0] == digits[0] {
		return digits, exp
	}
	if back, err := strconv.ParseFloat(two, bitSize); err != nil || back != f {
		return digits, exp
	}
	exact := new(big.Rat).SetFloat64(f)
	one, _ := new(big.Rat).SetString(digits + "e" + strconv.Itoa(exp))
	closer, _ := new(big.Rat).SetString(two)
	distOne := new(big.Rat).Abs(new(big.Rat).Sub(one, exact))
	distTwo := new(big.Rat).Abs(new(big.Rat).Sub(closer, exact))
	if distTwo.Cmp(distOne) < 0 {
		return strings.TrimRight(twoDigits, "0"), twoExp
	}
	return digits, exp
}

// splitScientific splits Go's "d.ddde±XX" into its digits and exponent.
func splitScientific(s string) (string, int) {
	mantissa, expText, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expText)
	return strings.Replace(mantissa, ".", "", 1), exp
}

// parseJavaDouble parses s as Java's Double.parseDouble does, which Java Avro
// applies to a string default of a float or double field: surrounding
// control characters and spaces are ignored, "NaN" and "Infinity" are
// accepted with an optional sign, and a decimal or hexadecimal literal may
// end in one of the type suffixes f, F, d or D.
func parseJavaDouble(s string) (float64, bool) {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return 0, false
	}
	negative := strings.HasPrefix(s, "-")
	switch body {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		if negative {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	if n := len(body); n > 0 && strings.ContainsRune("fFdD", rune(body[n-1])) {
		body = body[:n-1]
	}
	if !javaNumberSyntax(body) {
		return 0, false
	}
	f, err := strconv.ParseFloat(body, 64)
	if err != nil && !isRangeError(err) {
		return 0, false
	}
	if negative {
		f = -f
	}
	return f, true
}

// javaNumberSyntax checks the unsigned, suffix-free part of a Java floating
// literal: digits with an optional point and exponent, or a hexadecimal
// significand with a binary exponent.
func javaNumberSyntax(s string) bool {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	isHex := func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	i := 0
	run := func(accept func(byte) bool) int {
		n := 0
		for i < len(s) && accept(s[i]) {
			i++
			n++
		}
		return n
	}
	hex := strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X")
	digit := isDigit
	if hex {
		i = 2
		digit = isHex
	}
	n := run(digit)
	if i < len(s) && s[i] == '.' {
		i++
		n += run(digit)
	}
	if n == 0 {
		return false
	}
	if hex {
		if i == len(s) || (s[i] != 'p' && s[i] != 'P') {
			return false
		}
	} else if i == len(s) {
		return true
	} else if s[i] != 'e' && s[i] != 'E' {
		return false
	}
	i++
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	return run(isDigit) > 0 && i == len(s)
}

func isRangeError(err error) bool {
	numErr, ok := err.(*strconv.NumError)
	return ok && numErr.Err == strconv.ErrRange
}
