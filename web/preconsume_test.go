package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/demo"
	"lendgraph/store"
)

// pcSeedRequest is seed 004's example request, verbatim.
const pcSeedRequest = `{
    "timestamp": 1555567604000,
    "data": [
        {
            "businessCode": "MK116",
            "name": "测试消费申请接口导入的借款功能",
            "userEmployeeId": "0001",
            "departmentBizCode": "DI1807051G4YCUQP",
            "subsidiaryBizCode": "SI18070220ITVO51",
            "amount": 400,
            "approvedAmount": 300,
            "submittedAt": 1555567604000,
            "expenses": [
                {
                    "feeTypeBizCode": "2003_03",
                    "amount": 400,
                    "approvedAmount": 300
                }
            ],
            "userLoans": [
                {
                    "loanTypeBizCode": "0001",
                    "loanAmount": 100,
                    "loanTypeMode": "FORM",
                    "currency": "EUR",
                    "loanRepaymentDate": 1555567604
                }
            ],
            "handleList": ["UI2109011CLAU2YO","UI2109011D03Y4U8"]
        }
    ]
}`

// The pre-consumption operations, with every field.
const (
	pcFields = `id businessCode name userEmployeeId departmentBizCode subsidiaryBizCode amount approvedAmount currency acceptCcy
		submittedAt sentAt correlationPattern formSubTypeBizCode comments handleList revision createdAt updatedAt
		costTrackings { costTrackingName costTrackingItemBizCode }
		expenses { feeTypeBizCode amount approvedAmount currency consumeTime }
		userLoans { loanTypeBizCode loanAmount loanTypeMode currency loanRepaymentDate }
		customFormValues { identifier value detailFieldValues }
		accompaniedUserList { employeeId associateRuleName name rank department company identityNo firstName middleName lastName }`
	pcQuery = `query($code: String!) { preConsumption(businessCode: $code) { ` + pcFields + ` } }`
	pcList  = `query($first: Int, $after: String, $filter: PreConsumptionFilter) { preConsumptions(first: $first, after: $after, filter: $filter) {
		edges { cursor node { businessCode userEmployeeId expenses { feeTypeBizCode } } } pageInfo { hasNextPage endCursor } } }`
	pcSubmit = `mutation($in: SubmitPreConsumptionsInput!) { submitPreConsumptions(input: $in) { businessCode accepted reason } }`
)

var pcCodes atomic.Int64

// pcCode returns a business code no other test uses.
func pcCode(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1_000_000, pcCodes.Add(1))
}

// pcRecord is a valid request with one of each part, as the expense system sends it.
func pcRecord(code string) map[string]any {
	return map[string]any{
		"businessCode": code, "name": "客户拜访差旅", "userEmployeeId": "0002", "departmentBizCode": "DI1807051G4YSALE",
		"subsidiaryBizCode": "SI18070220ITVO51", "amount": 1250.5, "approvedAmount": 1200, "submittedAt": 1700000000000,
		"costTrackings": []any{map[string]any{"costTrackingName": "项目", "costTrackingItemBizCode": "PRJ-001"}},
		"expenses": []any{
			map[string]any{"feeTypeBizCode": "2003_01", "amount": 800, "approvedAmount": 800, "consumeTime": 1700000100000},
			map[string]any{"feeTypeBizCode": "2003_03", "amount": 450.5, "approvedAmount": 400},
		},
		"userLoans":          []any{map[string]any{"loanTypeBizCode": "0001", "loanAmount": 500, "currency": "EUR", "loanRepaymentDate": 1702592000000}},
		"handleList":         []any{"UI2109011CLAU2YO"},
		"correlationPattern": "FEE_TO_PRE_CONSUME",
		"comments":           "上海 → 深圳",
		"customFormValues": []any{map[string]any{"identifier": "trip_purpose", "value": "客户拜访",
			"detailFieldValues": []any{map[string]any{"city": "深圳", "days": "2"}}}},
		"accompaniedUserList": []any{
			map[string]any{"employeeId": "0003", "associateRuleName": "内部同行人", "name": "李娜"},
			map[string]any{"associateRuleName": "外部同行人", "name": "Ivan Petrov", "company": "ООО «Ромашка»", "identityNo": "4510 123456"},
		},
	}
}

// pcPost posts a raw body to POST /preconsume/submit with a token (none when "").
func pcPost(t *testing.T, app *apptest.App, token string, body []byte) apptest.Response {
	t.Helper()
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return app.Do(t, http.MethodPost, "/preconsume/submit", bytes.NewReader(body), h)
}

// pcSubmitREST submits records as a batch and returns the refused ones' reasons (none: ACK).
func pcSubmitREST(t *testing.T, app *apptest.App, token string, records ...any) map[string]any {
	t.Helper()
	body, err := json.Marshal(map[string]any{"timestamp": 1700000200000, "data": records})
	require.NoError(t, err)
	resp := pcPost(t, app, token, body)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	answer := resp.JSON(t)
	if answer["code"] == "ACK" {
		assert.Equal(t, map[string]any{"code": "ACK", "message": ""}, answer)
		return nil
	}
	require.Equal(t, "NACK", answer["code"], "%s", resp.Body)
	assert.Equal(t, answer["errorData"], answer["data"], "data repeats errorData")
	assert.Len(t, answer, 3, "code, errorData and data only: %s", resp.Body)
	return regObj(answer["errorData"])
}

// pcStored returns the stored request of a code, nil when there is none; its times in UTC, whatever
// the database's time zone.
func pcStored(t *testing.T, app *apptest.App, token, code string) map[string]any {
	t.Helper()
	return regObj(pcUTC(gql(t, app, token, pcQuery, map[string]any{"code": code})["preConsumption"]))
}

// pcUTC writes the times in a GraphQL value in UTC.
func pcUTC(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, el := range v {
			v[k] = pcUTC(el)
		}
	case []any:
		for i, el := range v {
			v[i] = pcUTC(el)
		}
	case string:
		if at, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return at.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

// pcCount counts the rows of a table that belong to the request of a code.
func pcCount(t *testing.T, app *apptest.App, table, code string) int {
	t.Helper()
	var n int
	query := `SELECT count(*) FROM ` + table + ` WHERE pre_consumption_id IN (SELECT id FROM pre_consumptions WHERE business_code = $1)`
	if table == "pre_consumptions" {
		query = `SELECT count(*) FROM pre_consumptions WHERE business_code = $1`
	}
	require.NoError(t, app.Store.DB.Get(&n, query, code))
	return n
}

// pcTime reads a Time field.
func pcTime(t *testing.T, v any) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, v.(string))
	require.NoError(t, err)
	return at
}

var pcTables = []string{"pre_consumptions", "pre_consumption_cost_trackings", "pre_consumption_expenses", "pre_consumption_loans",
	"pre_consumption_form_values", "pre_consumption_companions"}

// TestPreConsumeSeedExample sends seed 004's example request, verbatim but for a business code of
// its own (the seed's MK116 would be a revision after the first run): it is acknowledged in the
// seed's shape and stored as sent, the blanks filled by the dictionaries.
func TestPreConsumeSeedExample(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)
	before := apptest.Clock.Now().UTC().Add(-time.Second)
	code := pcCode("MK")

	resp := pcPost(t, app, emp, []byte(strings.Replace(pcSeedRequest, `"MK116"`, `"`+code+`"`, 1)))
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	assert.Equal(t, `{"code":"ACK","message":""}`+"\n", string(resp.Body))
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))

	p := pcStored(t, app, emp, code)
	require.NotNil(t, p)
	consumed, err := time.Parse(time.RFC3339, regObj(regList(p["expenses"])[0])["consumeTime"].(string))
	require.NoError(t, err)
	assert.WithinRange(t, consumed, before, apptest.Clock.Now().Add(time.Second), "consumeTime defaults to now")
	for _, k := range []string{"id", "createdAt", "updatedAt"} {
		assert.NotEmpty(t, p[k])
		delete(p, k)
	}
	assert.Equal(t, map[string]any{
		"businessCode": code, "name": "测试消费申请接口导入的借款功能", "userEmployeeId": "0001",
		"departmentBizCode": "DI1807051G4YCUQP", "subsidiaryBizCode": "SI18070220ITVO51",
		"amount": "400.00", "approvedAmount": "300.00", "currency": "CNY", "acceptCcy": nil,
		"submittedAt": "2019-04-18T06:06:44Z", "sentAt": "2019-04-18T06:06:44Z",
		"correlationPattern": nil, "formSubTypeBizCode": nil, "comments": nil,
		"handleList": []any{"UI2109011CLAU2YO", "UI2109011D03Y4U8"}, "revision": float64(1),
		"costTrackings": []any{},
		"expenses": []any{map[string]any{"feeTypeBizCode": "2003_03", "amount": "400.00", "approvedAmount": "300.00",
			"currency": "CNY", "consumeTime": consumed.Format(time.RFC3339Nano)}},
		// the seed's own repayment date is in seconds: the same moment as submittedAt
		"userLoans": []any{map[string]any{"loanTypeBizCode": "0001", "loanAmount": "100.00", "loanTypeMode": "FORM",
			"currency": "EUR", "loanRepaymentDate": "2019-04-18T06:06:44Z"}},
		"customFormValues": []any{}, "accompaniedUserList": []any{},
	}, p)
}

// TestPreConsumeSeedFailure answers a request naming an unknown department as the seed's failure
// example does: NACK, the business code and why, the same map in data; nothing is stored.
func TestPreConsumeSeedFailure(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)
	body := strings.NewReplacer(`"MK116"`, `"DH220160001"`, `"DI1807051G4YCUQP"`, `"DI-CLOSED"`).Replace(pcSeedRequest)

	resp := pcPost(t, app, emp, []byte(body))
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	reason := `departmentBizCode: department \"DI-CLOSED\" does not exist`
	assert.Equal(t, `{"code":"NACK","errorData":{"DH220160001":"`+reason+`"},"data":{"DH220160001":"`+reason+`"}}`+"\n", string(resp.Body))
	assert.Nil(t, pcStored(t, app, emp, "DH220160001"))
}

// TestPreConsumeRules checks every rule in one batch that mixes valid and invalid requests: the
// valid ones are stored, each invalid one is refused with every bad field named and stores nothing.
func TestPreConsumeRules(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)

	// with changes a valid request (a key set to nil is removed)
	with := func(code string, changes map[string]any) map[string]any {
		r := pcRecord(code)
		for k, v := range changes {
			if v == nil {
				delete(r, k)
			} else {
				r[k] = v
			}
		}
		return r
	}
	loan := func(fields map[string]any) map[string]any {
		return map[string]any{"userLoans": []any{fields}}
	}
	companion := func(fields map[string]any) map[string]any {
		return map[string]any{"accompaniedUserList": []any{fields}}
	}
	invalid := []struct {
		changes map[string]any
		reason  string
	}{
		{map[string]any{"name": nil}, `name: is required`},
		{map[string]any{"name": "  "}, `name: is required`},
		{map[string]any{"name": 7}, `name: must be a string`},
		{map[string]any{"userEmployeeId": "9999"}, `userEmployeeId: employee "9999" does not exist`},
		{map[string]any{"departmentBizCode": nil}, `departmentBizCode: is required`},
		{map[string]any{"departmentBizCode": "DI-NONE"}, `departmentBizCode: department "DI-NONE" does not exist`},
		{map[string]any{"subsidiaryBizCode": "SI-NONE", "userLoans": nil}, `subsidiaryBizCode: business entity "SI-NONE" does not exist`},
		{map[string]any{"amount": nil}, `amount: is required`},
		{map[string]any{"amount": "400"}, `amount: must be a number`},
		{map[string]any{"amount": -1}, `amount: must be ≥ 0`},
		{map[string]any{"amount": 10.005}, `amount: must have at most 2 decimal places`},
		{map[string]any{"approvedAmount": 1e12}, `approvedAmount: must be less than 1000000000000`},
		{map[string]any{"submittedAt": "2019-04-18"}, `submittedAt: must be an integer`},
		{map[string]any{"costTrackings": []any{map[string]any{"costTrackingItemBizCode": "PRJ-001"}}}, `costTrackings[0].costTrackingName: is required`},
		{map[string]any{"costTrackings": []any{map[string]any{"costTrackingName": "项目", "costTrackingItemBizCode": "CC-100"}}},
			`costTrackings[0].costTrackingItemBizCode: option "CC-100" of cost tracking "项目" does not exist`},
		{map[string]any{"expenses": []any{map[string]any{"feeTypeBizCode": "9999_99", "amount": 1, "approvedAmount": 1}}},
			`expenses[0].feeTypeBizCode: fee type "9999_99" does not exist`},
		{map[string]any{"expenses": []any{map[string]any{"feeTypeBizCode": "2003_01", "amount": -5}}},
			`expenses[0].approvedAmount: is required`},
		{map[string]any{"expenses": []any{map[string]any{"feeTypeBizCode": "2003_01", "amount": -5, "approvedAmount": 0}}},
			`expenses[0].amount: must be ≥ 0`},
		{map[string]any{"expenses": []any{7}}, `expenses[0]: must be an object`},
		{loan(map[string]any{"loanTypeBizCode": "0099", "loanAmount": 5, "currency": "EUR", "loanRepaymentDate": 1702592000000}),
			`userLoans[0].loanTypeBizCode: loan type "0099" does not exist`},
		{loan(map[string]any{"loanTypeBizCode": "0001", "loanAmount": 5, "loanTypeMode": "BOTH", "currency": "EUR"}),
			`userLoans[0].loanTypeMode: must be POOL or FORM`},
		{loan(map[string]any{"loanTypeBizCode": "0001", "loanAmount": 5, "loanRepaymentDate": 1702592000000}),
			`userLoans[0].currency: is required`},
		{loan(map[string]any{"loanTypeBizCode": "0001", "loanAmount": 5, "currency": "CNY", "loanRepaymentDate": 1702592000000}),
			`userLoans[0].currency: a FORM loan must be in the business entity's reimbursement currency EUR`},
		{loan(map[string]any{"loanTypeBizCode": "0001", "loanAmount": 5, "currency": "EUR"}),
			`userLoans[0].loanRepaymentDate: is required for a FORM loan`},
		{loan(map[string]any{"loanTypeBizCode": "0002", "loanAmount": 5, "currency": "EUR"}),
			`userLoans[0].currency: a POOL loan must be in the business entity's base currency CNY`},
		{loan(map[string]any{"loanTypeBizCode": "0002", "loanAmount": 5, "currency": "CNY", "loanRepaymentDate": 1702592000000}),
			`userLoans[0].loanRepaymentDate: must not be given for a POOL loan`},
		{loan(map[string]any{"loanTypeBizCode": "0001", "loanTypeMode": "POOL", "loanAmount": 5, "currency": "EUR", "loanRepaymentDate": 1702592000000}),
			`userLoans[0].currency: a POOL loan must be in the business entity's base currency CNY; userLoans[0].loanRepaymentDate: must not be given for a POOL loan`},
		{loan(map[string]any{"loanTypeBizCode": "0001", "loanAmount": -5, "currency": "EUR", "loanRepaymentDate": 1702592000000}),
			`userLoans[0].loanAmount: must be ≥ 0`},
		{map[string]any{"handleList": []any{"UI1", ""}}, `handleList[1]: is required`},
		{map[string]any{"handleList": []any{1}}, `handleList: must be a string`},
		{map[string]any{"correlationPattern": "FEE_TO_NOTHING"}, `correlationPattern: must be FEE_TO_PRE_CONSUME or FEE_TO_PRE_CONSUME_FEE`},
		{map[string]any{"formSubTypeBizCode": "FT_NONE"}, `formSubTypeBizCode: form subtype "FT_NONE" does not exist`},
		{map[string]any{"acceptCcy": "XYZ"}, `acceptCcy: currency "XYZ" does not exist`},
		{map[string]any{"acceptCcy": "USD", "formSubTypeBizCode": "FT_SIMPLE"}, `acceptCcy: form subtype FT_SIMPLE does not enable a request currency`},
		{map[string]any{"formSubTypeBizCode": "FT_TRAVEL", "expenses": nil}, `expenses: form subtype FT_TRAVEL requires at least one expense`},
		{map[string]any{"customFormValues": []any{map[string]any{"value": "x"}}}, `customFormValues[0].identifier: is required`},
		{map[string]any{"customFormValues": []any{map[string]any{"identifier": "days", "detailFieldValues": []any{map[string]any{"n": 2, "city": "深圳"}}}}},
			`customFormValues[0].detailFieldValues[0].n: must be a string`},
		{companion(map[string]any{"associateRuleName": "内部同行人", "name": "李娜"}),
			`accompaniedUserList[0].employeeId: is required for an internal accompanying person`},
		{companion(map[string]any{"employeeId": "0404", "associateRuleName": "内部同行人"}),
			`accompaniedUserList[0].employeeId: employee "0404" does not exist`},
		{companion(map[string]any{"employeeId": "0003"}), `accompaniedUserList[0].associateRuleName: is required`},
		{companion(map[string]any{"employeeId": "0003", "associateRuleName": "朋友"}),
			`accompaniedUserList[0].associateRuleName: accompanying-person configuration "朋友" does not exist`},
		{map[string]any{"name": "", "userEmployeeId": "", "amount": -1, "acceptCcy": "XYZ"},
			`name: is required; userEmployeeId: is required; amount: must be ≥ 0; acceptCcy: currency "XYZ" does not exist`},
	}
	valid := map[string]map[string]any{
		"plain": {},
		// a FORM type's loan managed as POOL: in the base currency, without a date
		"pool-override": loan(map[string]any{"loanTypeBizCode": "0001", "loanTypeMode": "POOL", "loanAmount": 5, "currency": "CNY"}),
		// a disabled loan type still takes loans
		"disabled-type": loan(map[string]any{"loanTypeBizCode": "0003", "loanAmount": 5, "currency": "EUR", "loanRepaymentDate": 1702592000000}),
		"accept-ccy":    {"acceptCcy": "USD"},
		"travel":        {"formSubTypeBizCode": "FT_TRAVEL", "acceptCcy": "USD"},
		"simple":        {"formSubTypeBizCode": "FT_SIMPLE", "expenses": nil},
		"correlation":   {"correlationPattern": "FEE_TO_PRE_CONSUME_FEE"},
		"minimal": {"costTrackings": nil, "expenses": nil, "userLoans": nil, "handleList": nil, "correlationPattern": nil,
			"comments": nil, "customFormValues": nil, "accompaniedUserList": nil, "submittedAt": nil},
	}

	var batch []any
	want := map[string]any{}
	for i, c := range invalid {
		code := pcCode(fmt.Sprintf("BAD%d", i))
		batch = append(batch, with(code, c.changes))
		want[code] = c.reason
	}
	validCodes := map[string]string{}
	for name, changes := range valid {
		validCodes[name] = pcCode(name)
		batch = append(batch, with(validCodes[name], changes))
	}
	dup := pcCode("DUP")
	batch = append(batch, pcRecord(dup), pcRecord(dup))
	want[dup] = fmt.Sprintf(`businessCode: %q occurs 2 times in this batch`, dup)
	want[fmt.Sprintf("data[%d]", len(batch))] = "businessCode: is required"
	batch = append(batch, with("", map[string]any{"businessCode": nil}))
	want[fmt.Sprintf("data[%d]", len(batch))] = "businessCode: is required"
	batch = append(batch, with("   ", nil))
	want[fmt.Sprintf("data[%d]", len(batch))] = "data[" + fmt.Sprint(len(batch)) + "]: must be an object"
	batch = append(batch, 42)

	refused := pcSubmitREST(t, app, emp, batch...)
	assert.Equal(t, want, refused)

	for code := range want {
		for _, table := range pcTables {
			assert.Zero(t, pcCount(t, app, table, code), "%s of refused %s", table, code)
		}
	}
	for name, code := range validCodes {
		assert.NotNil(t, pcStored(t, app, emp, code), "%s is stored", name)
	}

	plain := pcStored(t, app, emp, validCodes["plain"])
	assert.Equal(t, "1250.50", plain["amount"])
	assert.Equal(t, "CNY", plain["currency"])
	assert.Equal(t, "2023-11-14T22:13:20Z", plain["submittedAt"])
	assert.Equal(t, "2023-11-14T22:16:40Z", plain["sentAt"], "the batch's timestamp")
	assert.Equal(t, []any{map[string]any{"costTrackingName": "项目", "costTrackingItemBizCode": "PRJ-001"}}, plain["costTrackings"])
	assert.Equal(t, []any{
		map[string]any{"feeTypeBizCode": "2003_01", "amount": "800.00", "approvedAmount": "800.00", "currency": "CNY", "consumeTime": "2023-11-14T22:15:00Z"},
		regObj(regList(plain["expenses"])[1]),
	}, plain["expenses"])
	assert.Equal(t, []any{map[string]any{"loanTypeBizCode": "0001", "loanAmount": "500.00", "loanTypeMode": "FORM", "currency": "EUR",
		"loanRepaymentDate": "2023-12-14T22:13:20Z"}}, plain["userLoans"], "the mode is the loan type's")
	assert.Equal(t, []any{map[string]any{"identifier": "trip_purpose", "value": "客户拜访",
		"detailFieldValues": []any{map[string]any{"city": "深圳", "days": "2"}}}}, plain["customFormValues"])
	assert.Equal(t, []any{
		map[string]any{"employeeId": "0003", "associateRuleName": "内部同行人", "name": "李娜", "rank": nil, "department": nil, "company": nil,
			"identityNo": nil, "firstName": nil, "middleName": nil, "lastName": nil},
		map[string]any{"employeeId": nil, "associateRuleName": "外部同行人", "name": "Ivan Petrov", "rank": nil, "department": nil,
			"company": "ООО «Ромашка»", "identityNo": "4510 123456", "firstName": nil, "middleName": nil, "lastName": nil},
	}, plain["accompaniedUserList"])
	assert.Equal(t, "FEE_TO_PRE_CONSUME", plain["correlationPattern"])
	assert.Equal(t, "上海 → 深圳", plain["comments"])

	pool := regObj(regList(pcStored(t, app, emp, validCodes["pool-override"])["userLoans"])[0])
	assert.Equal(t, "POOL", pool["loanTypeMode"])
	assert.Nil(t, pool["loanRepaymentDate"])

	for _, name := range []string{"accept-ccy", "travel"} {
		p := pcStored(t, app, emp, validCodes[name])
		assert.Equal(t, "USD", p["acceptCcy"])
		assert.Equal(t, "CNY", p["currency"], "amounts stay in the base currency")
		for _, e := range regList(p["expenses"]) {
			assert.Equal(t, "USD", regObj(e)["currency"], "expenses are in the request currency")
		}
	}
	assert.Equal(t, []any{"UI2109011CLAU2YO"}, pcStored(t, app, emp, validCodes["travel"])["handleList"], "FT_TRAVEL takes handlers")
	assert.Equal(t, []any{}, pcStored(t, app, emp, validCodes["simple"])["handleList"], "FT_SIMPLE does not")

	minimal := pcStored(t, app, emp, validCodes["minimal"])
	for _, k := range []string{"costTrackings", "expenses", "userLoans", "handleList", "customFormValues", "accompaniedUserList"} {
		assert.Equal(t, []any{}, minimal[k], k)
	}
	assert.Nil(t, minimal["submittedAt"])
}

// TestPreConsumeResubmission replaces a stored request whole when its business code comes again
// valid, and keeps it when the new one is refused.
func TestPreConsumeResubmission(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	code := pcCode("RESUB")

	require.Nil(t, pcSubmitREST(t, app, emp, pcRecord(code)))
	first := pcStored(t, app, emp, code)
	require.EqualValues(t, 1, first["revision"])
	require.Len(t, first["expenses"], 2)

	corrected := pcRecord(code)
	corrected["amount"] = 999.99
	corrected["expenses"] = []any{map[string]any{"feeTypeBizCode": "2004_01", "amount": 999.99, "approvedAmount": 900}}
	delete(corrected, "userLoans")
	delete(corrected, "accompaniedUserList")
	require.Nil(t, pcSubmitREST(t, app, emp, corrected))
	second := pcStored(t, app, emp, code)
	assert.EqualValues(t, 2, second["revision"])
	assert.Equal(t, first["id"], second["id"])
	assert.Equal(t, first["createdAt"], second["createdAt"])
	assert.Greater(t, pcTime(t, second["updatedAt"]), pcTime(t, first["updatedAt"]))
	assert.Equal(t, "999.99", second["amount"])
	assert.Equal(t, []any{map[string]any{"feeTypeBizCode": "2004_01", "amount": "999.99", "approvedAmount": "900.00",
		"currency": "CNY", "consumeTime": regObj(regList(second["expenses"])[0])["consumeTime"]}}, second["expenses"])
	assert.Equal(t, []any{}, second["userLoans"])
	assert.Equal(t, []any{}, second["accompaniedUserList"])
	assert.Equal(t, 1, pcCount(t, app, "pre_consumption_expenses", code), "the old parts are gone")

	bad := pcRecord(code)
	bad["departmentBizCode"] = "DI-NONE"
	assert.Equal(t, map[string]any{code: `departmentBizCode: department "DI-NONE" does not exist`}, pcSubmitREST(t, app, emp, bad))
	assert.Equal(t, second, pcStored(t, app, emp, code), "a refused resubmission leaves the stored request")

	trail := regList(gql(t, app, emp, `query($id: String) { auditTrail(entity: "pre_consumption", entityId: $id) { actor action changes } }`,
		map[string]any{"id": code})["auditTrail"])
	require.Len(t, trail, 2, "each saved submission is audited")
	latest := regObj(trail[0])
	assert.Equal(t, actor, latest["actor"])
	assert.Equal(t, "submitPreConsumption", latest["action"])
	assert.EqualValues(t, 2, regObj(latest["changes"])["revision"])
	assert.Equal(t, code, regObj(regObj(latest["changes"])["request"])["businessCode"])
}

// TestPreConsumeStoreFailure fails one request while it is being saved: it stores nothing, not
// even the parts written before the failure, and fails alone with "internal error", logged.
func TestPreConsumeStoreFailure(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)
	_, err := app.Store.DB.Exec(`
		CREATE FUNCTION pc_test_boom() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'disk on fire'; END $$;
		CREATE TRIGGER pc_test_boom BEFORE INSERT ON pre_consumption_companions
			FOR EACH ROW WHEN (NEW.identity_no = 'BOOM') EXECUTE FUNCTION pc_test_boom()`)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := app.Store.DB.Exec(`DROP TRIGGER pc_test_boom ON pre_consumption_companions; DROP FUNCTION pc_test_boom()`)
		assert.NoError(t, err)
	})

	failing, fine := pcCode("BOOM"), pcCode("FINE")
	record := pcRecord(failing)
	record["accompaniedUserList"] = []any{map[string]any{"associateRuleName": "外部同行人", "identityNo": "BOOM"}}
	assert.Equal(t, map[string]any{failing: "internal error"}, pcSubmitREST(t, app, emp, record, pcRecord(fine)))

	for _, table := range pcTables {
		assert.Zero(t, pcCount(t, app, table, failing), table)
	}
	assert.NotNil(t, pcStored(t, app, emp, fine))
	assert.Contains(t, app.Logs.String(), "pre-consumption not saved")
	assert.Contains(t, app.Logs.String(), "disk on fire")
}

// TestPreConsumeRequestErrors refuses, whole and in the REST error shape, a body that is not a batch.
func TestPreConsumeRequestErrors(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)
	for _, c := range []struct {
		body  string
		field string
	}{
		{`not json`, ""},
		{`{"timestamp": 1555567604000}`, "data"},
		{`{"data": {"businessCode": "X"}}`, "data"},
		{`{"timestamp": "yesterday", "data": []}`, "timestamp"},
	} {
		body := assertRESTError(t, pcPost(t, app, emp, []byte(c.body)), http.StatusBadRequest, "INVALID")
		if c.field != "" {
			assert.Equal(t, c.field, regObj(regList(body["fields"])[0])["field"], c.body)
		}
	}
	resp := app.Do(t, http.MethodPost, "/preconsume/submit", strings.NewReader(pcSeedRequest),
		http.Header{"Authorization": {"Bearer " + emp}, "Content-Type": {"text/plain"}})
	assertRESTError(t, resp, http.StatusBadRequest, "INVALID")

	empty := pcPost(t, app, emp, []byte(`{"timestamp": 1555567604000, "data": []}`))
	assert.Equal(t, `{"code":"ACK","message":""}`+"\n", string(empty.Body), "nothing to refuse")
}

// TestPreConsumeGraphQL submits through the mutation, which answers a result per request in
// order, and reads the requests back one by one and page by page.
func TestPreConsumeGraphQL(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)
	employee := pcCode("EMP") // an employee of the expense system only this test's requests name
	require.NoError(t, app.Store.Tx(t.Context(), func(q store.Queries) error {
		return q.AddExpenseDictionaries(t.Context(), store.ExpenseDictionaries{Employees: []store.ExpenseEmployee{{Code: employee, Name: "测试"}}})
	}))
	codes := []string{pcCode("G1"), pcCode("G2"), pcCode("G3"), pcCode("G4")}
	request := func(code string) map[string]any {
		return map[string]any{
			"businessCode": code, "name": "采购办公用品", "userEmployeeId": employee, "departmentBizCode": "DI1807051G4YCUQP",
			"subsidiaryBizCode": "SI18070220ITVO51", "amount": "88.80", "approvedAmount": "80", "submittedAt": "2024-05-01T09:30:00+08:00",
			"formSubTypeBizCode": "FT_TRAVEL", "acceptCcy": "EUR", "handleList": []any{"UI1"}, "correlationPattern": "FEE_TO_PRE_CONSUME_FEE",
			"expenses":            []any{map[string]any{"feeTypeBizCode": "2003_01", "amount": "88.80", "approvedAmount": "80"}},
			"userLoans":           []any{map[string]any{"loanTypeBizCode": "0002", "loanAmount": "50", "currency": "CNY"}},
			"costTrackings":       []any{map[string]any{"costTrackingName": "成本中心", "costTrackingItemBizCode": "CC-100"}},
			"customFormValues":    []any{map[string]any{"identifier": "note", "detailFieldValues": []any{map[string]any{"k": "v"}}}},
			"accompaniedUserList": []any{map[string]any{"employeeId": "0001", "associateRuleName": "内部同行人"}},
		}
	}
	bad := request(pcCode("GBAD"))
	bad["userLoans"] = []any{map[string]any{"loanTypeBizCode": "0002", "loanAmount": "50", "currency": "CNY", "loanRepaymentDate": "2024-06-01T00:00:00Z"}}
	data := []any{request(codes[0]), request(codes[1]), bad, request(codes[2]), request(codes[3])}

	results := regList(gql(t, app, emp, pcSubmit, map[string]any{"in": map[string]any{"timestamp": "2024-05-01T10:00:00Z", "data": data}})["submitPreConsumptions"])
	require.Len(t, results, 5)
	for i, r := range results {
		code := regObj(data[i])["businessCode"]
		if i == 2 {
			assert.Equal(t, map[string]any{"businessCode": code, "accepted": false,
				"reason": "userLoans[0].loanRepaymentDate: must not be given for a POOL loan"}, r)
			continue
		}
		assert.Equal(t, map[string]any{"businessCode": code, "accepted": true, "reason": ""}, r)
	}

	p := pcStored(t, app, emp, codes[0])
	assert.Equal(t, "2024-05-01T01:30:00Z", p["submittedAt"])
	assert.Equal(t, "2024-05-01T10:00:00Z", p["sentAt"])
	assert.Equal(t, "88.80", p["amount"])
	assert.Equal(t, "EUR", regObj(regList(p["expenses"])[0])["currency"])
	assert.Equal(t, "POOL", regObj(regList(p["userLoans"])[0])["loanTypeMode"])
	assert.Equal(t, []any{"UI1"}, p["handleList"])
	assert.Equal(t, []any{map[string]any{"k": "v"}}, regObj(regList(p["customFormValues"])[0])["detailFieldValues"])
	assert.Nil(t, pcStored(t, app, emp, "NO-SUCH-CODE"))

	// newest first, two a page, narrowed to this test's employee
	var seen []any
	var after any
	for page := 0; ; page++ {
		conn := regObj(gql(t, app, emp, pcList, map[string]any{"first": 2, "after": after,
			"filter": map[string]any{"userEmployeeId": employee, "subsidiaryBizCode": "SI18070220ITVO51"}})["preConsumptions"])
		for _, e := range regList(conn["edges"]) {
			node := regObj(regObj(e)["node"])
			assert.Equal(t, employee, node["userEmployeeId"])
			assert.Len(t, node["expenses"], 1, "parts load with the page")
			seen = append(seen, node["businessCode"])
		}
		info := regObj(conn["pageInfo"])
		if info["hasNextPage"] != true {
			assert.Equal(t, 1, page, "4 requests are 2 pages")
			break
		}
		after = info["endCursor"]
	}
	assert.Equal(t, []any{codes[3], codes[2], codes[1], codes[0]}, seen)
	none := regObj(gql(t, app, emp, pcList, map[string]any{"filter": map[string]any{"userEmployeeId": employee, "departmentBizCode": "DI1807051G4YSALE"}})["preConsumptions"])
	assert.Empty(t, none["edges"])
}

// TestPreConsumeAccess lets only employees in: on the route and on every operation a partner or a
// customer is FORBIDDEN and a caller without a token UNAUTHENTICATED, and nothing is stored.
func TestPreConsumeAccess(t *testing.T) {
	app := apptest.Start(t)
	partner, customer := app.PartnerToken(t), app.CustomerToken(t, demo.TestPhone(5))
	code := pcCode("ACCESS")
	body, err := json.Marshal(map[string]any{"data": []any{pcRecord(code)}})
	require.NoError(t, err)
	submit := map[string]any{"in": map[string]any{"data": []any{map[string]any{"businessCode": code, "name": "x", "userEmployeeId": "0001",
		"departmentBizCode": "DI1807051G4YCUQP", "subsidiaryBizCode": "SI18070220ITVO51", "amount": "1", "approvedAmount": "1"}}}}

	for token, want := range map[string]struct {
		status int
		code   string
	}{"": {http.StatusUnauthorized, "UNAUTHENTICATED"}, partner: {http.StatusForbidden, "FORBIDDEN"}, customer: {http.StatusForbidden, "FORBIDDEN"}} {
		assertRESTError(t, pcPost(t, app, token, body), want.status, want.code)
		for _, op := range []struct {
			query string
			vars  map[string]any
		}{
			{pcSubmit, submit},
			{pcQuery, map[string]any{"code": "MK116"}},
			{pcList, nil},
		} {
			resp := app.GraphQL(t, token, op.query, op.vars)
			assert.Equal(t, want.code, resp.Code(), "%s: %v", op.query, resp.Errors)
		}
	}
	assert.Zero(t, pcCount(t, app, "pre_consumptions", code))
}
