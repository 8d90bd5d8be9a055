package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestContractsNormalized checks that metadata and rule sets are stored and
// answered as Confluent re-writes them: maps and sets sorted in Java's
// order, sets without duplicates, empty members and unknown fields left
// out, Jackson's coercions and Confluent's rule defaults applied.
func TestContractsNormalized(t *testing.T) {
	r := newRegistry(t)
	for i, tc := range []struct {
		name             string
		metadata, rules  string // as sent; "" sends none
		wantMD, wantRule string // as answered; "" expects none
	}{
		{name: "tags, properties and sensitive sorted, duplicates dropped",
			metadata: `{"tags":{"b":["y","x","y"],"a":["z"]},"properties":{"k2":"v","k1":"w"},"sensitive":["s2","s1","s1"]}`,
			wantMD:   `{"tags":{"a":["z"],"b":["x","y"]},"properties":{"k1":"w","k2":"v"},"sensitive":["s1","s2"]}`},
		{name: "empty members left out", metadata: `{"tags":{},"properties":{},"sensitive":[]}`, wantMD: `{}`},
		{name: "a path without tags kept", metadata: `{"tags":{"p":[]}}`, wantMD: `{"tags":{"p":[]}}`},
		{name: "unknown fields ignored", metadata: `{"properties":{"a":"b"},"extra":{"x":1}}`, wantMD: `{"properties":{"a":"b"}}`},
		{name: "scalars taken as their text", metadata: `{"properties":{"n":5,"f":1.50,"b":true},"sensitive":[2,1]}`,
			wantMD: `{"properties":{"b":"true","f":"1.50","n":"5"},"sensitive":["1","2"]}`},
		{name: "Java's UTF-16 order, not Go's byte order",
			metadata: `{"properties":{"\ue000":"bmp","\ud83d\ude00":"emoji"}}`,
			wantMD:   "{\"properties\":{\"\U0001F600\":\"emoji\",\"\uE000\":\"bmp\"}}"},
		{name: "<, > and & written as they are", metadata: `{"properties":{"<tag>":"x&y"}}`,
			wantMD: `{"properties":{"<tag>":"x&y"}}`},
		{name: "null metadata is none", metadata: `null`, wantMD: ``},
		{name: "rule defaults: TRANSFORM, WRITEREAD, enabled",
			rules:    `{"domainRules":[{"name":"r","type":"CEL"}]}`,
			wantRule: `{"domainRules":[{"name":"r","kind":"TRANSFORM","mode":"WRITEREAD","type":"CEL","disabled":false}]}`},
		{name: "rule fields in Confluent's order, tags and params sorted, empty strings left out",
			rules: `{"unknown":[],"enableAt":"CLIENT","migrationRules":[{"disabled":true,"onFailure":"ERROR","onSuccess":"NONE","expr":"e",` +
				`"params":{"b":"2","a":"1"},"tags":["T2","T1","T1"],"type":"JSONATA","mode":"UPGRADE","kind":"TRANSFORM","doc":"","name":"m"}]}`,
			wantRule: `{"migrationRules":[{"name":"m","kind":"TRANSFORM","mode":"UPGRADE","type":"JSONATA","tags":["T1","T2"],` +
				`"params":{"a":"1","b":"2"},"expr":"e","onSuccess":"NONE","onFailure":"ERROR","disabled":true}],"enableAt":"CLIENT"}`},
		{name: "enum constants by index, booleans by text",
			rules:    `{"encodingRules":[{"name":"r","type":"X","kind":1,"mode":"4","disabled":"TRUE"}],"enableAt":null}`,
			wantRule: `{"encodingRules":[{"name":"r","kind":"CONDITION","mode":"READ","type":"X","disabled":true}]}`},
		{name: "lists in phase order", rules: `{"encodingRules":[{"name":"e","type":"X"}],"domainRules":[{"name":"d","type":"X"}]}`,
			wantRule: `{"domainRules":[{"name":"d","kind":"TRANSFORM","mode":"WRITEREAD","type":"X","disabled":false}],` +
				`"encodingRules":[{"name":"e","kind":"TRANSFORM","mode":"WRITEREAD","type":"X","disabled":false}]}`},
		{name: "empty rule set kept empty", rules: `{"domainRules":[]}`, wantRule: `{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			subject := fmt.Sprintf("normalized-%d", i)
			body := `{"schema":"\"string\""`
			if tc.metadata != "" {
				body += `,"metadata":` + tc.metadata
			}
			if tc.rules != "" {
				body += `,"ruleSet":` + tc.rules
			}
			body += "}"
			status, answer := r.call("POST", "/subjects/"+subject+"/versions", body)
			if status != 200 {
				t.Fatalf("register: %d %s", status, answer)
			}
			var id struct{ ID int }
			if err := json.Unmarshal([]byte(answer), &id); err != nil {
				t.Fatal(err)
			}
			// Version, id and lookup answers all carry Confluent's form.
			contracts := ""
			if tc.wantMD != "" {
				contracts += `,"metadata":` + tc.wantMD
			}
			if tc.wantRule != "" {
				contracts += `,"ruleSet":` + tc.wantRule
			}
			version := fmt.Sprintf(`{"subject":%q,"version":1,"id":%d%s,"schema":"\"string\""}`, subject, id.ID, contracts)
			// A registration with metadata or rules answers the schema as
			// registered; one finding the schema registered, its id.
			registered := fmt.Sprintf(`{"id":%d}`, id.ID)
			firstAnswer := registered
			if contracts != "" {
				firstAnswer = fmt.Sprintf(`{"id":%d,"version":1%s,"schema":"\"string\""}`, id.ID, contracts)
			}
			if answer != firstAnswer {
				t.Errorf("register answered %s, want %s", answer, firstAnswer)
			}
			r.expect("GET", "/subjects/"+subject+"/versions/1", nil, 200, version)
			r.expect("GET", fmt.Sprintf("/schemas/ids/%d", id.ID), nil, 200, `{"schema":"\"string\""`+contracts+`}`)
			// The normalized form is what identifies the schema: sending
			// it again finds the version.
			r.expect("POST", "/subjects/"+subject, body, 200, version)
			r.expect("POST", "/subjects/"+subject+"/versions", body, 200, registered)
		})
	}
}

// TestContractsWrongTypes checks that values Jackson cannot map to
// Confluent's entities are refused as rest-utils refuses them: 400, error
// code 400, Jackson's message without Java packages.
func TestContractsWrongTypes(t *testing.T) {
	r := newRegistry(t)
	for _, tc := range []struct {
		member, value, message string
	}{
		{"metadata", `5`, "Cannot construct instance of `Metadata` (although at least one Creator exists): " +
			"no int/Int-argument constructor/factory method to deserialize from Number value (5)"},
		{"metadata", `1.5`, "Cannot construct instance of `Metadata` (although at least one Creator exists): " +
			"no double/Double-argument constructor/factory method to deserialize from Number value (1.5)"},
		{"metadata", `"x"`, "Cannot construct instance of `Metadata` (although at least one Creator exists): " +
			"no String-argument constructor/factory method to deserialize from String value ('x')"},
		{"metadata", `""`, "Cannot coerce empty String (\"\") to `Metadata` value (but could if coercion was enabled using `CoercionConfig`)"},
		{"metadata", `[1]`, "Cannot deserialize value of type `Metadata` from Array value (token `JsonToken.START_ARRAY`)"},
		// rest-utils keeps what follows the last '.' of a generic type.
		{"metadata", `{"tags":{"a":"x"}}`, "Cannot deserialize value of type `String>` from String value (token `JsonToken.VALUE_STRING`)"},
		{"metadata", `{"tags":[]}`, "Cannot deserialize value of type `String>>` from Array value (token `JsonToken.START_ARRAY`)"},
		{"metadata", `{"properties":{"a":{}}}`, "Cannot deserialize value of type `String` from Object value (token `JsonToken.START_OBJECT`)"},
		{"metadata", `{"properties":{"a":null}}`, "Cannot construct instance of `Metadata`, problem: property \"a\" is null"},
		{"metadata", `{"tags":{"a":null}}`, "Cannot construct instance of `Metadata`, problem: the tags of \"a\" are null"},
		{"metadata", `{"sensitive":[null]}`, "Cannot construct instance of `Metadata`, problem: a sensitive is null"},
		{"metadata", `{"sensitive":true}`, "Cannot deserialize value of type `String>` from Boolean value (token `JsonToken.VALUE_TRUE`)"},
		{"ruleSet", `true`, "Cannot construct instance of `RuleSet` (although at least one Creator exists): " +
			"no boolean/Boolean-argument constructor/factory method to deserialize from Boolean value (true)"},
		{"ruleSet", `{"domainRules":{}}`, "Cannot deserialize value of type `Rule>` from Object value (token `JsonToken.START_OBJECT`)"},
		{"ruleSet", `{"domainRules":[null]}`, "Cannot construct instance of `RuleSet`, problem: a rule is null"},
		{"ruleSet", `{"domainRules":[7]}`, "Cannot construct instance of `Rule` (although at least one Creator exists): " +
			"no int/Int-argument constructor/factory method to deserialize from Number value (7)"},
		{"ruleSet", `{"domainRules":[{"kind":"SOMETIMES"}]}`, "Cannot deserialize value of type `RuleKind` from String \"SOMETIMES\": " +
			"not one of the values accepted for Enum class: [CONDITION, TRANSFORM]"},
		{"ruleSet", `{"domainRules":[{"kind":"transform"}]}`, "Cannot deserialize value of type `RuleKind` from String \"transform\": " +
			"not one of the values accepted for Enum class: [CONDITION, TRANSFORM]"},
		{"ruleSet", `{"domainRules":[{"mode":9}]}`, "Cannot deserialize value of type `RuleMode` from number 9: index value outside legal index range [0..5]"},
		{"ruleSet", `{"domainRules":[{"mode":{}}]}`, "Cannot deserialize value of type `RuleMode` from Object value (token `JsonToken.START_OBJECT`)"},
		{"ruleSet", `{"domainRules":[{"disabled":"yes"}]}`, "Cannot deserialize value of type `boolean` from String \"yes\": " +
			`only "true"/"True"/"TRUE" or "false"/"False"/"FALSE" recognized`},
		{"ruleSet", `{"domainRules":[{"name":["r"]}]}`, "Cannot deserialize value of type `String` from Array value (token `JsonToken.START_ARRAY`)"},
		{"ruleSet", `{"domainRules":[{"params":{"a":null}}]}`, "Cannot construct instance of `Rule`, problem: param \"a\" is null"},
		{"ruleSet", `{"domainRules":[{"tags":[null]}]}`, "Cannot construct instance of `Rule`, problem: a tag is null"},
		{"ruleSet", `{"enableAt":"LATER"}`, "Cannot deserialize value of type `ExecutionEnvironment` from String \"LATER\": " +
			"not one of the values accepted for Enum class: [NONE, ALL, SERVER, GATEWAY, CLIENT]"},
	} {
		body := `{"schema":"\"string\"","` + tc.member + `":` + tc.value + `}`
		want := `{"error_code":400,"message":` + jsonText(tc.message) + `}`
		r.expect("POST", "/subjects/s/versions", body, 400, want)
	}
	// Lookups, compatibility tests and configs read the same entities.
	bad := `{"schema":"\"string\"","metadata":5}`
	r.expectCode("POST", "/subjects/s", bad, 400, 400)
	r.expectCode("POST", "/compatibility/subjects/s/versions", bad, 400, 400)
	r.expectCode("POST", "/compatibility/subjects/s/versions/latest", bad, 400, 400)
	for _, member := range []string{"defaultMetadata", "overrideMetadata", "defaultRuleSet", "overrideRuleSet"} {
		r.expectCode("PUT", "/config", `{"`+member+`":[1]}`, 400, 400)
		r.expectCode("PUT", "/config/s", `{"compatibility":"NONE","`+member+`":"x"}`, 400, 400)
	}
	r.expect("GET", "/config", nil, 200, `{"compatibilityLevel":"BACKWARD"}`)
	r.expectCode("GET", "/config/s", nil, 404, 40408)
	r.expect("GET", "/subjects", nil, 200, `[]`)
}

// TestRuleSetValidation checks Confluent's RuleSet.validate on register
// and config updates: 422 with error code 42210 and Confluent's message.
func TestRuleSetValidation(t *testing.T) {
	r := newRegistry(t)
	ruleSet := func(list string, rules ...string) string {
		return `{"` + list + `":[` + strings.Join(rules, ",") + `]}`
	}
	long := strings.Repeat("n", 257)
	for _, tc := range []struct {
		name, ruleSet, message string // message "" when valid
	}{
		{"valid", ruleSet("domainRules", `{"name":"check_Name-1","kind":"CONDITION","mode":"WRITE","type":"CEL"}`), ""},
		{"letters of any script", ruleSet("domainRules", `{"name":"_règle_名","type":"CEL"}`), ""},
		{"256 UTF-16 units", ruleSet("domainRules", `{"name":"`+long[1:]+`","type":"CEL"}`), ""},
		{"two actions for WRITEREAD", ruleSet("domainRules", `{"name":"r","type":"CEL","onFailure":"NONE,ERROR"}`), ""},
		{"two actions for UPDOWN", ruleSet("migrationRules", `{"name":"r","type":"JSONATA","mode":"UPDOWN","onSuccess":"NONE,NONE"}`), ""},
		{"an empty type is a type", ruleSet("domainRules", `{"name":"r","type":""}`), ""},
		{"missing name", ruleSet("domainRules", `{"type":"CEL"}`), "Missing rule name"},
		{"null name", ruleSet("domainRules", `{"name":null,"type":"CEL"}`), "Missing rule name"},
		{"empty name", ruleSet("domainRules", `{"name":"","type":"CEL"}`), "Empty rule name"},
		{"name too long", ruleSet("domainRules", `{"name":"`+long+`","type":"CEL"}`), "Rule name too long"},
		{"digit first", ruleSet("domainRules", `{"name":"1r","type":"CEL"}`), "Illegal initial character in rule name: 1r"},
		{"dash first", ruleSet("domainRules", `{"name":"-r","type":"CEL"}`), "Illegal initial character in rule name: -r"},
		{"space", ruleSet("domainRules", `{"name":"a b","type":"CEL"}`), "Illegal character in rule name: a b"},
		{"character outside the BMP", ruleSet("domainRules", `{"name":"a😀","type":"CEL"}`), "Illegal character in rule name: a😀"},
		{"missing type", ruleSet("domainRules", `{"name":"r"}`), "Missing rule type"},
		{"duplicate name across lists", `{"domainRules":[{"name":"r","type":"CEL"}],"encodingRules":[{"name":"r","type":"CEL"}]}`,
			"Found rule with duplicate name 'r'"},
		{"duplicate checked before the rule", ruleSet("domainRules", `{"name":"r","type":"CEL"}`, `{"name":"r"}`),
			"Found rule with duplicate name 'r'"},
		{"migration rule with the default mode", ruleSet("migrationRules", `{"name":"r","type":"JSONATA"}`),
			"Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN"},
		{"domain rule migrating", ruleSet("domainRules", `{"name":"r","type":"CEL","mode":"UPGRADE"}`),
			"Domain rules can only be WRITE, READ, WRITEREAD"},
		{"encoding rule migrating", ruleSet("encodingRules", `{"name":"r","type":"ENCRYPT","mode":"UPDOWN"}`),
			"Encoding rules can only be WRITE, READ, WRITEREAD"},
		{"two actions for WRITE", ruleSet("domainRules", `{"name":"r","type":"CEL","mode":"WRITE","onFailure":"ERROR,NONE"}`),
			"Multiple actions only valid with WRITEREAD and UPDOWN"},
		{"two actions for READ", ruleSet("domainRules", `{"name":"r","type":"CEL","mode":"READ","onSuccess":"NONE,"}`),
			"Multiple actions only valid with WRITEREAD and UPDOWN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			register := `{"schema":"\"string\"","ruleSet":` + tc.ruleSet + `}`
			configs := []string{`{"defaultRuleSet":` + tc.ruleSet + `}`, `{"overrideRuleSet":` + tc.ruleSet + `}`}
			if tc.message == "" {
				if status, answer := r.call("POST", "/subjects/valid/versions", register); status != 200 {
					t.Errorf("register: %d %s", status, answer)
				}
				for _, body := range configs {
					if status, answer := r.call("PUT", "/config/valid", body); status != 200 {
						t.Errorf("PUT /config/valid %s: %d %s", body, status, answer)
					}
				}
				return
			}
			want := `{"error_code":42210,"message":` + jsonText(tc.message) + `}`
			r.expect("POST", "/subjects/invalid/versions", register, 422, want)
			for _, body := range configs {
				r.expect("PUT", "/config", body, 422, want)
				r.expect("PUT", "/config/invalid", body, 422, want)
			}
		})
	}
	invalid := ruleSet("domainRules", `{"name":"r"}`)
	// Confluent checks the rules before the subject's name, the level
	// before the rules.
	r.expectCode("POST", "/subjects/__GLOBAL/versions", `{"schema":"\"string\"","ruleSet":`+invalid+`}`, 422, 42210)
	r.expectCode("PUT", "/config/__GLOBAL", `{"defaultRuleSet":`+invalid+`}`, 422, 42210)
	r.expectCode("PUT", "/config", `{"compatibility":"SIDEWAYS","defaultRuleSet":`+invalid+`}`, 422, 42203)
	// Lookups and compatibility tests do not validate rules.
	r.expectCode("POST", "/subjects/invalid", `{"schema":"\"string\"","ruleSet":`+invalid+`}`, 404, 40401)
	r.expect("POST", "/compatibility/subjects/invalid/versions", `{"schema":"\"string\"","ruleSet":`+invalid+`}`, 200, `{"is_compatible":true}`)
	r.expectCode("GET", "/subjects/invalid/versions", nil, 404, 40401)
	r.expectCode("GET", "/config/invalid", nil, 404, 40408)
}

// TestConfigUpdateAnswer checks PUT /config's answer: the configuration as
// the update left it, named as in Confluent's ConfigUpdateRequest, and the
// refusal of an invalid level under either name.
func TestConfigUpdateAnswer(t *testing.T) {
	r := newRegistry(t)
	invalid := `{"error_code":42203,"message":"Invalid compatibility level. Valid values are none, backward, forward, full, ` +
		`backward_transitive, forward_transitive, and full_transitive"}`
	for _, body := range []string{
		`{"compatibility":"full","compatibilityLevel":"whatever"}`,
		`{"compatibility":"whatever","compatibilityLevel":"full"}`,
		`{"compatibilityLevel":"whatever"}`,
		`{"compatibility":""}`,
	} {
		r.expect("PUT", "/config/s", body, 422, invalid)
	}
	r.expectCode("GET", "/config/s", nil, 404, 40408)

	for _, tc := range []struct{ body, answer, stored string }{
		{`{"compatibility":"full","compatibilityLevel":"none"}`, `{"compatibility":"FULL"}`, `{"compatibilityLevel":"FULL"}`},
		{`{"compatibilityLevel":"backward_transitive"}`, `{"compatibility":"BACKWARD_TRANSITIVE"}`,
			`{"compatibilityLevel":"BACKWARD_TRANSITIVE"}`},
		// The settings an update leaves alone are in the answer too.
		{`{"normalize":true}`, `{"normalize":true,"compatibility":"BACKWARD_TRANSITIVE"}`,
			`{"normalize":true,"compatibilityLevel":"BACKWARD_TRANSITIVE"}`},
		{`{"compatibilityGroup":"app","defaultMetadata":{"properties":{"b":"1","a":"2"}},` +
			`"overrideRuleSet":{"domainRules":[{"name":"r","type":"CEL","tags":["b","a"]}]}}`,
			`{"normalize":true,"compatibility":"BACKWARD_TRANSITIVE","compatibilityGroup":"app",` +
				`"defaultMetadata":{"properties":{"a":"2","b":"1"}},` +
				`"overrideRuleSet":{"domainRules":[{"name":"r","kind":"TRANSFORM","mode":"WRITEREAD","type":"CEL","tags":["a","b"],"disabled":false}]}}`,
			`{"normalize":true,"compatibilityLevel":"BACKWARD_TRANSITIVE","compatibilityGroup":"app",` +
				`"defaultMetadata":{"properties":{"a":"2","b":"1"}},` +
				`"overrideRuleSet":{"domainRules":[{"name":"r","kind":"TRANSFORM","mode":"WRITEREAD","type":"CEL","tags":["a","b"],"disabled":false}]}}`},
	} {
		r.expect("PUT", "/config/s", tc.body, 200, tc.answer)
		r.expect("GET", "/config/s", nil, 200, tc.stored)
	}
	r.expect("PUT", "/config", `{"compatibility":"none"}`, 200, `{"compatibility":"NONE"}`)
	r.expect("PUT", "/config", `{"validateFields":false}`, 200, `{"validateFields":false,"compatibility":"NONE"}`)
	r.expect("GET", "/config", nil, 200, `{"validateFields":false,"compatibilityLevel":"NONE"}`)
}

// TestSubjectPrefixContexts checks how GET /subjects and GET /schemas read
// subjectPrefix, as Confluent does: ":*:" selects every context, other
// prefixes the default context unless they name a context, and /subjects
// without a prefix lists every context while /schemas lists the default
// one.
func TestSubjectPrefixContexts(t *testing.T) {
	r := newRegistry(t)
	for i, subject := range []string{"a1", ":.ctx:a2", ":.ctx:b1", "b2"} {
		schema := fmt.Sprintf(`{"schema":"{\"type\":\"fixed\",\"name\":\"F\",\"size\":%d}"}`, i+1)
		r.expect("POST", "/subjects/"+url.PathEscape(subject)+"/versions", schema, 200, fmt.Sprintf(`{"id":%d}`, i+1))
	}
	for _, tc := range []struct {
		query            string
		subjects, schema string // the subjects each endpoint lists
	}{
		{"", `[":.ctx:a2",":.ctx:b1","a1","b2"]`, `["a1","b2"]`},
		{"?subjectPrefix=", `["a1","b2"]`, `["a1","b2"]`},
		{"?subjectPrefix=" + url.QueryEscape(":*:"), `[":.ctx:a2",":.ctx:b1","a1","b2"]`, `[":.ctx:a2",":.ctx:b1","a1","b2"]`},
		{"?subjectPrefix=" + url.QueryEscape(":*:a"), `[":.ctx:a2","a1"]`, `[":.ctx:a2","a1"]`},
		{"?subjectPrefix=" + url.QueryEscape(":*:c"), `[]`, `[]`},
		{"?subjectPrefix=b", `["b2"]`, `["b2"]`},
		{"?subjectPrefix=" + url.QueryEscape(":.ctx:"), `[":.ctx:a2",":.ctx:b1"]`, `[":.ctx:a2",":.ctx:b1"]`},
		{"?subjectPrefix=" + url.QueryEscape(":.ctx:b"), `[":.ctx:b1"]`, `[":.ctx:b1"]`},
		{"?subjectPrefix=" + url.QueryEscape(":"), `[]`, `[]`},
	} {
		r.expect("GET", "/subjects"+tc.query, nil, 200, tc.subjects)
		status, body := r.call("GET", "/schemas"+tc.query, nil)
		var versions []struct{ Subject string }
		if err := json.Unmarshal([]byte(body), &versions); status != 200 || err != nil {
			t.Fatalf("GET /schemas%s: %d %s", tc.query, status, body)
		}
		subjects := []string{}
		for _, v := range versions {
			subjects = append(subjects, v.Subject)
		}
		if got, _ := json.Marshal(subjects); string(got) != tc.schema {
			t.Errorf("GET /schemas%s lists %s, want %s", tc.query, got, tc.schema)
		}
	}
}

// jsonText writes s as a JSON string the way the registry does, with <, >
// and & as they are.
func jsonText(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
