package server_test

import (
	"fmt"
	"testing"
)

// step is one request of a scenario and the answer it must get; a
// wantCode checks only the status and Confluent's error code.
type step struct {
	method, path string
	body         any
	status       int
	want         string
	wantCode     int
}

func (r *testRegistry) run(steps []step) {
	r.t.Helper()
	for _, s := range steps {
		if s.wantCode != 0 {
			r.expectCode(s.method, s.path, s.body, s.status, s.wantCode)
			continue
		}
		r.expect(s.method, s.path, s.body, s.status, s.want)
	}
}

// versionBody is a version as GET /subjects/{subject}/versions/{version}
// answers it; contracts holds its metadata and ruleSet members, with a
// leading comma.
func versionBody(subject string, version, id int, contracts, schema string) string {
	return fmt.Sprintf(`{"subject":%q,"version":%d,"id":%d%s,"schema":%s}`, subject, version, id, contracts, quote(schema))
}

// registeredBody is the answer to a registration that changed what was
// sent: the schema as registered.
func registeredBody(version, id int, contracts, schema string) string {
	return fmt.Sprintf(`{"id":%d,"version":%d%s,"schema":%s}`, id, version, contracts, quote(schema))
}

// TestLatestWithMetadata checks GET /subjects/{subject}/metadata as
// Confluent's getLatestWithMetadata answers it.
func TestLatestWithMetadata(t *testing.T) {
	r := newRegistry(t)
	major1 := `,"metadata":{"properties":{"major":"1","owner":"a"}}`
	major2 := `,"metadata":{"properties":{"major":"2","owner":"a"}}`
	r.run([]step{
		{method: "POST", path: "/subjects/orders/versions", body: schemaBody(userV1), status: 200, want: `{"id":1}`},
		{method: "POST", path: "/subjects/orders/versions", status: 200, want: registeredBody(2, 2, major1, userV2),
			body: `{"schema":` + quote(userV2) + `,"metadata":{"properties":{"owner":"a","major":"1"}}}`},
		{method: "POST", path: "/subjects/orders/versions", status: 200, want: registeredBody(3, 3, major2, userV2),
			body: `{"schema":` + quote(userV2) + `,"metadata":{"properties":{"owner":"a","major":"2"}}}`},
		{method: "POST", path: "/subjects/plain/versions", body: schemaBody(userV1), status: 200, want: `{"id":1}`},
	})
	v2, v3 := versionBody("orders", 2, 2, major1, userV2), versionBody("orders", 3, 3, major2, userV2)
	schemaNotFound := `{"error_code":40403,"message":"Schema not found"}`
	for _, tc := range []struct {
		name, query string
		status      int
		want        string
	}{
		{"one property", "key=owner&value=a", 200, v3},
		{"an older version's property", "key=major&value=1", 200, v2},
		{"every property must match", "key=major&value=1&key=owner&value=a", 200, v2},
		{"no version matches", "key=owner&value=b", 404, schemaNotFound},
		{"an empty value is a value", "key=major&value=", 404, schemaNotFound},
		{"no property: the latest version with metadata", "", 200, v3},
		{"a key without a value is left out", "key=owner", 200, v3},
		{"a value without a key is left out", "key=major&value=1&value=2", 200, v2},
		{"a repeated key keeps its last value", "key=major&value=1&key=major&value=2", 200, v3},
		{"an output format", "key=major&value=1&format=resolved", 200, v2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &testRegistry{t: t, dir: r.dir, url: r.url}
			in.expect("GET", "/subjects/orders/metadata?"+tc.query, nil, tc.status, tc.want)
		})
	}
	r.run([]step{
		// Versions without metadata never match.
		{method: "GET", path: "/subjects/plain/metadata", status: 404, want: schemaNotFound},
		{method: "GET", path: "/subjects/nosuch/metadata?key=owner&value=a", status: 404,
			want: `{"error_code":40401,"message":"Subject 'nosuch' not found."}`},
		// Soft-deleted versions count only when asked for.
		{method: "DELETE", path: "/subjects/orders/versions/3", status: 200, want: `3`},
		{method: "GET", path: "/subjects/orders/metadata?key=owner&value=a", status: 200, want: v2},
		{method: "GET", path: "/subjects/orders/metadata?key=owner&value=a&deleted=true", status: 200, want: v3},
		{method: "DELETE", path: "/subjects/orders", status: 200, want: `[1,2]`},
		{method: "GET", path: "/subjects/orders/metadata?key=owner&value=a", status: 404, wantCode: 40401},
		{method: "GET", path: "/subjects/orders/metadata?key=major&value=1&deleted=true", status: 200, want: v2},
	})
}

// TestConfluentVersion follows Confluent's RestApiTest.testConfluentVersion:
// a version asked for, or a confluent:version property carried over, sets
// confluent:version to the version registered, and a schema with or
// without the property finds the version that has it the other way.
func TestConfluentVersion(t *testing.T) {
	r := newRegistry(t)
	s := userV1
	withVersion := func(v string) string {
		return `{"schema":` + quote(s) + `,"metadata":{"properties":{"confluent:version":"` + v + `"}}}`
	}
	numbered := func(v int) string { return fmt.Sprintf(`,"metadata":{"properties":{"confluent:version":"%d"}}`, v) }
	asked := func(v int) string { return fmt.Sprintf(`{"schema":%s,"version":%d}`, quote(s), v) }
	mine := `,"metadata":{"properties":{"mykey":"myvalue"}}`
	withMine := `{"schema":` + quote(s) + `,"metadata":{"properties":{"mykey":"myvalue"}}}`
	r.run([]step{
		{method: "POST", path: "/subjects/test/versions", body: schemaBody(s), status: 200, want: `{"id":1}`},
		// -1 is answered by the latest version holding the schema.
		{method: "POST", path: "/subjects/test/versions", body: asked(-1), status: 200, want: `{"id":1}`},
		{method: "POST", path: "/subjects/test/versions", body: asked(2), status: 200, want: registeredBody(2, 2, numbered(2), s)},
		{method: "POST", path: "/subjects/test/versions", body: asked(-1), status: 200, want: `{"id":2}`},
		{method: "GET", path: "/subjects/test/versions/latest", status: 200, want: versionBody("test", 2, 2, numbered(2), s)},
		{method: "POST", path: "/subjects/test", body: schemaBody(s), status: 200, want: versionBody("test", 1, 1, "", s)},
		{method: "POST", path: "/subjects/test", body: withVersion("1"), status: 200, want: versionBody("test", 1, 1, "", s)},
		{method: "POST", path: "/subjects/test", body: withVersion("2"), status: 200, want: versionBody("test", 2, 2, numbered(2), s)},
		{method: "DELETE", path: "/subjects/test/versions/1", status: 200, want: `1`},
		{method: "POST", path: "/subjects/test", body: schemaBody(s), status: 200, want: versionBody("test", 2, 2, numbered(2), s)},
		{method: "POST", path: "/subjects/test/versions", body: schemaBody(s), status: 200, want: `{"id":2}`},
		{method: "POST", path: "/subjects/test/versions", body: asked(3), status: 200, want: registeredBody(3, 3, numbered(3), s)},
		{method: "POST", path: "/subjects/test/versions", body: asked(-1), status: 200, want: `{"id":3}`},
		{method: "POST", path: "/subjects/test/versions", body: asked(3), status: 422, wantCode: 42201},
		// A confluent:version the client sets is replaced by the version
		// registered, unless it names a version holding the schema.
		{method: "POST", path: "/subjects/test/versions", body: withVersion("-1"), status: 200, want: registeredBody(4, 4, numbered(4), s)},
		{method: "POST", path: "/subjects/test/versions", body: withVersion("2"), status: 200, want: `{"id":2}`},
		{method: "POST", path: "/subjects/test/versions", body: withVersion("3"), status: 200, want: `{"id":3}`},
		{method: "POST", path: "/subjects/test/versions", body: withVersion("0"), status: 200, want: registeredBody(5, 5, numbered(5), s)},
		{method: "POST", path: "/subjects/test/versions", body: `{"schema":` + quote(s) + `,"metadata":{}}`, status: 200, want: `{"id":5}`},
		{method: "POST", path: "/subjects/test/versions", body: withMine, status: 200, want: registeredBody(6, 6, mine, s)},
		{method: "POST", path: "/subjects/test/versions", body: asked(-1), status: 200,
			want: registeredBody(7, 7, `,"metadata":{"properties":{"confluent:version":"7","mykey":"myvalue"}}`, s)},
		{method: "POST", path: "/subjects/test", body: withMine, status: 200, want: versionBody("test", 6, 6, mine, s)},
		{method: "DELETE", path: "/subjects/test/versions/6", status: 200, want: `6`},
		{method: "POST", path: "/subjects/test", body: withMine, status: 200,
			want: versionBody("test", 7, 7, `,"metadata":{"properties":{"confluent:version":"7","mykey":"myvalue"}}`, s)},
	})
}

// TestRegistrationMergesContracts checks Confluent's maybeSetMetadataRuleSet:
// the metadata and rules a schema is registered with are those sent, or
// else the latest version's, merged over the config's defaults and under
// its overrides; and the answer, the id alone unless the registry changed
// what was sent.
func TestRegistrationMergesContracts(t *testing.T) {
	rule := func(name, expr string) string {
		r := `{"name":"` + name + `","kind":"TRANSFORM","mode":"WRITEREAD","type":"CEL",`
		if expr != "" {
			r += `"expr":"` + expr + `",`
		}
		return r + `"disabled":false}`
	}
	ownerA := `{"properties":{"owner":"a","x":"1"}}`
	rulesR := `{"domainRules":[` + rule("r", "") + `]}`
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"no metadata or rules anywhere: the id alone", []step{
			{method: "POST", path: "/subjects/s/versions", body: schemaBody(userV1), status: 200, want: `{"id":1}`},
			{method: "POST", path: "/subjects/s/versions", body: schemaBody(userV2), status: 200, want: `{"id":2}`},
		}},
		{"none sent: the latest version's kept", []step{
			{method: "POST", path: "/subjects/s/versions", status: 200, want: registeredBody(1, 1, `,"metadata":`+ownerA+`,"ruleSet":`+rulesR, userV1),
				body: `{"schema":` + quote(userV1) + `,"metadata":` + ownerA + `,"ruleSet":{"domainRules":[{"name":"r","type":"CEL"}]}}`},
			{method: "POST", path: "/subjects/s/versions", body: schemaBody(userV2), status: 200,
				want: registeredBody(2, 2, `,"metadata":`+ownerA+`,"ruleSet":`+rulesR, userV2)},
			{method: "GET", path: "/subjects/s/versions/2", status: 200, want: versionBody("s", 2, 2, `,"metadata":`+ownerA+`,"ruleSet":`+rulesR, userV2)},
		}},
		{"metadata sent replaces the latest's, whose rules are kept", []step{
			{method: "POST", path: "/subjects/s/versions", status: 200, want: registeredBody(1, 1, `,"metadata":`+ownerA+`,"ruleSet":`+rulesR, userV1),
				body: `{"schema":` + quote(userV1) + `,"metadata":` + ownerA + `,"ruleSet":` + rulesR + `}`},
			{method: "POST", path: "/subjects/s/versions", body: `{"schema":` + quote(userV2) + `,"metadata":{"properties":{"owner":"b"}}}`, status: 200,
				want: registeredBody(2, 2, `,"metadata":{"properties":{"owner":"b"}},"ruleSet":`+rulesR, userV2)},
		}},
		{"the schema left out: the latest's, with the new metadata", []step{
			{method: "POST", path: "/subjects/s/versions", body: `{"schema":` + quote(userV1) + `,"metadata":{"properties":{"v":"1"}}}`, status: 200,
				want: registeredBody(1, 1, `,"metadata":{"properties":{"v":"1"}}`, userV1)},
			{method: "POST", path: "/subjects/s/versions", body: `{"metadata":{"properties":{"v":"2"}}}`, status: 200,
				want: registeredBody(2, 2, `,"metadata":{"properties":{"v":"2"}}`, userV1)},
		}},
		{"default metadata under what is sent, override over it", []step{
			{method: "PUT", path: "/config/s", status: 200,
				body: `{"defaultMetadata":{"properties":{"owner":"default","team":"t"}},"overrideMetadata":{"properties":{"owner":"forced"}}}`,
				want: `{"defaultMetadata":{"properties":{"owner":"default","team":"t"}},"overrideMetadata":{"properties":{"owner":"forced"}}}`},
			{method: "POST", path: "/subjects/s/versions", body: `{"schema":` + quote(userV1) + `,"metadata":{"properties":{"owner":"me","extra":"e"}}}`, status: 200,
				want: registeredBody(1, 1, `,"metadata":{"properties":{"extra":"e","owner":"forced","team":"t"}}`, userV1)},
		}},
		{"tags replaced path by path, sensitive names united", []step{
			{method: "PUT", path: "/config/s", body: `{"defaultMetadata":{"tags":{"f":["A"],"g":["B"]},"sensitive":["s1"]}}`, status: 200,
				want: `{"defaultMetadata":{"tags":{"f":["A"],"g":["B"]},"sensitive":["s1"]}}`},
			{method: "POST", path: "/subjects/s/versions", body: `{"schema":` + quote(userV1) + `,"metadata":{"tags":{"f":["C"]},"sensitive":["s2","s1"]}}`, status: 200,
				want: registeredBody(1, 1, `,"metadata":{"tags":{"f":["C"],"g":["B"]},"sensitive":["s1","s2"]}`, userV1)},
		}},
		{"rules: defaults not renamed, then those sent, then overrides", []step{
			{method: "PUT", path: "/config/s", status: 200,
				body: `{"defaultRuleSet":{"domainRules":[{"name":"a","type":"CEL"},{"name":"b","type":"CEL"}],"enableAt":"CLIENT"},` +
					`"overrideRuleSet":{"domainRules":[{"name":"a","type":"CEL","expr":"forced"}]}}`,
				want: `{"defaultRuleSet":{"domainRules":[` + rule("a", "") + `,` + rule("b", "") + `],"enableAt":"CLIENT"},` +
					`"overrideRuleSet":{"domainRules":[` + rule("a", "forced") + `]}}`},
			{method: "POST", path: "/subjects/s/versions", status: 200,
				body: `{"schema":` + quote(userV1) + `,"ruleSet":{"domainRules":[{"name":"b","type":"CEL","expr":"mine"},{"name":"c","type":"CEL"}]}}`,
				want: registeredBody(1, 1, `,"ruleSet":{"domainRules":[`+rule("b", "mine")+`,`+rule("c", "")+`,`+rule("a", "forced")+`],"enableAt":"CLIENT"}`, userV1)},
		}},
		{"the global defaults only for subjects without a config", []step{
			{method: "PUT", path: "/config", body: `{"defaultMetadata":{"properties":{"owner":"global"}}}`, status: 200,
				want: `{"defaultMetadata":{"properties":{"owner":"global"}}}`},
			{method: "POST", path: "/subjects/s/versions", body: schemaBody(userV1), status: 200,
				want: registeredBody(1, 1, `,"metadata":{"properties":{"owner":"global"}}`, userV1)},
			{method: "PUT", path: "/config/own", body: `{"normalize":false}`, status: 200, want: `{"normalize":false}`},
			{method: "POST", path: "/subjects/own/versions", body: schemaBody(userV1), status: 200, want: `{"id":2}`},
		}},
		{"under defaults a registration is found after the merge, answered in full", []step{
			{method: "PUT", path: "/config/s", body: `{"defaultMetadata":{"properties":{"owner":"d"}}}`, status: 200,
				want: `{"defaultMetadata":{"properties":{"owner":"d"}}}`},
			{method: "POST", path: "/subjects/s/versions", body: schemaBody(userV1), status: 200,
				want: registeredBody(1, 1, `,"metadata":{"properties":{"owner":"d"}}`, userV1)},
			{method: "POST", path: "/subjects/s/versions", body: schemaBody(userV1), status: 200,
				want: registeredBody(1, 1, `,"metadata":{"properties":{"owner":"d"}}`, userV1)},
			// A lookup merges as a registration would.
			{method: "POST", path: "/subjects/s", body: schemaBody(userV1), status: 200,
				want: versionBody("s", 1, 1, `,"metadata":{"properties":{"owner":"d"}}`, userV1)},
		}},
		{"IMPORT mode registers what is sent", []step{
			{method: "PUT", path: "/config/s", body: `{"defaultMetadata":{"properties":{"owner":"d"}}}`, status: 200,
				want: `{"defaultMetadata":{"properties":{"owner":"d"}}}`},
			{method: "PUT", path: "/mode/s", body: `{"mode":"IMPORT"}`, status: 200, want: `{"mode":"IMPORT"}`},
			{method: "POST", path: "/subjects/s/versions", body: `{"schema":` + quote(userV1) + `,"id":7,"version":1}`, status: 200, want: `{"id":7}`},
			{method: "GET", path: "/subjects/s/versions/1", status: 200, want: versionBody("s", 1, 7, "", userV1)},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			newRegistry(t).run(tc.steps)
		})
	}
}

// TestConfigExplicitNull checks PUT /config as Confluent reads it since
// 7.7.4: a member sent as null clears the setting, one left out keeps it;
// and that a config without a level has the server's default level, not
// the global config's.
func TestConfigExplicitNull(t *testing.T) {
	r := newRegistry(t)
	rules := `{"domainRules":[{"name":"r","kind":"TRANSFORM","mode":"WRITEREAD","type":"CEL","disabled":false}]}`
	full := `{"alias":"x","normalize":true,"compatibility":"FULL","compatibilityGroup":"g","defaultMetadata":{"properties":{"a":"1"}},"overrideRuleSet":` + rules + `}`
	noLevel := `{"alias":"x","normalize":true,"compatibilityGroup":"g","defaultMetadata":{"properties":{"a":"1"}},"overrideRuleSet":` + rules + `}`
	r.run([]step{
		{method: "PUT", path: "/config/s", status: 200, want: full,
			body: `{"compatibility":"full","normalize":true,"alias":"x","compatibilityGroup":"g","defaultMetadata":{"properties":{"a":"1"}},` +
				`"overrideRuleSet":{"domainRules":[{"name":"r","type":"CEL"}]}}`},
		{method: "PUT", path: "/config/s", body: `{}`, status: 200, want: full},
		{method: "PUT", path: "/config/s", body: `{"compatibility":null}`, status: 200, want: noLevel},
		{method: "GET", path: "/config/s", status: 200,
			want: `{"alias":"x","normalize":true,"compatibilityLevel":"BACKWARD","compatibilityGroup":"g","defaultMetadata":{"properties":{"a":"1"}},"overrideRuleSet":` + rules + `}`},
		{method: "PUT", path: "/config/s", body: `{"alias":null,"normalize":null,"defaultMetadata":null,"overrideRuleSet":null,"compatibilityGroup":"h"}`,
			status: 200, want: `{"compatibilityGroup":"h"}`},
		{method: "GET", path: "/config/s", status: 200, want: `{"compatibilityLevel":"BACKWARD","compatibilityGroup":"h"}`},
		// compatibility wins over compatibilityLevel, null included.
		{method: "PUT", path: "/config/s", body: `{"compatibilityLevel":"none"}`, status: 200, want: `{"compatibility":"NONE","compatibilityGroup":"h"}`},
		{method: "PUT", path: "/config/s", body: `{"compatibility":null,"compatibilityLevel":"full"}`, status: 200, want: `{"compatibilityGroup":"h"}`},
		{method: "PUT", path: "/config/s", body: `{"compatibility":"forward","compatibilityLevel":null}`, status: 200,
			want: `{"compatibility":"FORWARD","compatibilityGroup":"h"}`},
		{method: "PUT", path: "/config/s", body: `{"compatibilityLevel":null}`, status: 200, want: `{"compatibilityGroup":"h"}`},
		{method: "PUT", path: "/config/s", body: `{"compatibility":null,"compatibilityLevel":"sideways"}`, status: 422, wantCode: 42203},
		// The subject's level is the server default, not the global one.
		{method: "PUT", path: "/config", body: `{"compatibility":"NONE"}`, status: 200, want: `{"compatibility":"NONE"}`},
		{method: "GET", path: "/config/s", status: 200, want: `{"compatibilityLevel":"BACKWARD","compatibilityGroup":"h"}`},
		{method: "POST", path: "/subjects/s/versions", body: schemaBody(userV1), status: 200, want: `{"id":1}`},
		{method: "POST", path: "/subjects/s/versions", body: schemaBody(userV3), status: 409, wantCode: 409},
		{method: "POST", path: "/subjects/other/versions", body: schemaBody(userV1), status: 200, want: `{"id":1}`},
		{method: "POST", path: "/subjects/other/versions", body: schemaBody(userV3), status: 200, want: `{"id":2}`},
		{method: "DELETE", path: "/config/s", status: 200, want: `{"compatibilityLevel":"BACKWARD","compatibilityGroup":"h"}`},
		// The global level cleared is the server default too.
		{method: "PUT", path: "/config", body: `{"compatibility":null}`, status: 200, want: `{}`},
		{method: "GET", path: "/config", status: 200, want: `{"compatibilityLevel":"BACKWARD"}`},
		// A config created with nulls holds nothing.
		{method: "PUT", path: "/config/fresh", body: `{"normalize":null,"defaultRuleSet":null}`, status: 200, want: `{}`},
		{method: "GET", path: "/config/fresh", status: 200, want: `{"compatibilityLevel":"BACKWARD"}`},
	})
}
