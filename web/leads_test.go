package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/demo"
	"lendgraph/signin"
)

// seedScoringInfo is seed 002's example answer of GET /bs-core/main/leads/2330/scoring/info,
// verbatim (its rule expressions lost their comparison operators in the seed).
const seedScoringInfo = `{
    "status": "ok",
    "timestamp": 1502975033085,
    "data": {
        "id": 2330,
        "creationDate": 1502971978532,
        "channel": "LOAN_APPLICATION",
        "firstName": "Вух",
        "lastName": "Вух",
        "patronymic": "Вухец",
        "mobilePhone": "71968746646",
        "email": "vzhuh@vzhuh-vzhuh.ru",
        "managerId": 1010812,
        "amount": 100000,
        "currentStatus": "APPROVED",
        "denialReasonId": null,
        "clientId": 101322743,
        "loanApplicationId": 101132101,
        "contractId": 101341519,
        "scoringTask": {
            "id": 1902,
            "startDate": 1502971978367,
            "endDate": 1502971978367,
            "ruleStepSchemaId": 202,
            "finalRecommendation": "APPROVE",
            "ruleTasks": [
                {
                    "id": 4060,
                    "startDate": 1502971978367,
                    "endDate": 1502971978367,
                    "recommendation": "UNDEFINED",
                    "ruleStep": {
                        "id": 608,
                        "ruleStepTypeId": 11,
                        "orderNo": 0,
                        "blocking": false,
                        "allowing": false,
                        "branchSchemaId": null,
                        "denialReasonId": 101552,
                        "fields": [
                            {
                                "id": 746,
                                "stepTypeFieldId": 1,
                                "value": "clientHasIssuedCredits && !clientManager.isInArrears(lead.clientId, false)"
                            },
                            {
                                "id": 747,
                                "stepTypeFieldId": 5,
                                "value": "Проверка на наличие закрытых кредитов и отсутствие просрочек"
                            }
                        ],
                        "ruleStepSchemaId": 202
                    },
                    "errorInfo": null,
                    "options": []
                },
                {
                    "id": 4061,
                    "startDate": 1502971978367,
                    "endDate": 1502971978367,
                    "recommendation": "APPROVE",
                    "ruleStep": {
                        "id": 609,
                        "ruleStepTypeId": 11,
                        "orderNo": 1,
                        "blocking": false,
                        "allowing": false,
                        "branchSchemaId": null,
                        "denialReasonId": 101552,
                        "fields": [
                            {
                                "id": 748,
                                "stepTypeFieldId": 1,
                                "value": "clientManager.getIssuedCreditsQty(lead.clientId, 15000d) =15000"
                            }
                        ],
                        "ruleStepSchemaId": 202
                    },
                    "errorInfo": null,
                    "options": []
                },
                {
                    "id": 4062,
                    "startDate": 1502971978367,
                    "endDate": 1502971978367,
                    "recommendation": "DENY",
                    "ruleStep": {
                        "id": 610,
                        "ruleStepTypeId": 11,
                        "orderNo": 2,
                        "blocking": false,
                        "allowing": false,
                        "branchSchemaId": null,
                        "denialReasonId": 101552,
                        "fields": [
                            {
                                "id": 750,
                                "stepTypeFieldId": 1,
                                "value": "loanApplication.getLoanAmount()  50001"
                            },
                            {
                                "id": 751,
                                "stepTypeFieldId": 5,
                                "value": "Проверка суммы займа меньше или = 50000"
                            }
                        ],
                        "ruleStepSchemaId": 202
                    },
                    "errorInfo": null,
                    "options": []
                }
            ]
        }
    }
}`

// seedLead is the lead of seed 002's example as PUT …/leads/2330 takes it: every field of seed
// 003's body filled, the example's values where it has them. clientId and denialReasonId are the
// core's: sent, they are ignored.
const seedLead = `{
  "id": 2330, "channel": "LOAN_APPLICATION",
  "firstName": "Вух", "lastName": "Вух", "patronymic": "Вухец",
  "mobilePhone": "71968746646", "email": "vzhuh@vzhuh-vzhuh.ru", "managerId": 1010812, "amount": 100000,
  "clientId": 101322743, "denialReasonId": 101552,
  "period": 12, "periodUnit": "MONTHS", "creditProductId": 1800,
  "birthDate": "1985-04-12", "birthPlace": "гор. Москва", "birthCountryId": 643, "sexId": 1,
  "inn": "500100732259", "snils": "11223344595", "naturalPerson": true,
  "childrenCount": 1, "adultChildrenCount": 0, "dependentsCount": 1,
  "passport": {"id": 1, "seria": "4510", "no": "233001", "issueDate": "2010-05-20", "manager": "ОВД Тверской г. Москвы",
    "subdivisionCode": "770-001", "closeDate": "2030-04-12", "extraNumber": "A1", "complementaryDocTypeId": 1},
  "addressData": {"id": 1, "countryId": 643, "postalCode": "125009", "regionName": "Москва", "localityName": "Москва",
    "streetName": "Тверская", "houseNo": "7", "buildingNo": "1", "blockNo": "2", "apartmentNo": "15",
    "fullAddressText": "125009, Москва, Тверская 7к1с2, кв. 15", "oldAddressText": "Москва, Горького 7",
    "fiasId": "b30b0b1a-8d3c-4d6a-9d7e-2f1a3c4b5d6e", "fiasChainText": "Москва, Тверская",
    "fiasChain": {"id": "0c5b2444-70a0-4932-980c-b4dc0d3f02b5", "level": 1, "name": "Москва", "type": "г", "settlement": true,
      "parents": [{"id": "29251dcf-00a1-4e34-98d4-5c47484a36d4", "level": 0, "name": "Россия", "type": "страна", "settlement": false}]},
    "housingType": "OWN", "metroStation": "Охотный ряд", "telephone": "74951234567", "timeZone": "Europe/Moscow",
    "regDate": "2005-03-01", "attributes": {"floor": "3", "intercom": "15K"}},
  "registrationAddressData": {"postalCode": "125009", "regionName": "Москва", "localityName": "Москва", "streetName": "Тверская",
    "houseNo": "7", "apartmentNo": "15", "regDate": "2005-03-01"},
  "addresses": [{"position": 0, "purposeId": 1, "postalCode": "125009", "fullAddressText": "125009, Москва, Тверская 7, кв. 15"}],
  "relatives": [{"id": 1, "firstName": "Вжух", "lastName": "Вух", "patronymic": "Вухович", "birthDate": "1960-01-02",
    "address": "Москва, Тверская 7", "email": "father@vzhuh-vzhuh.ru", "telephone": "79161234567", "workPlace": "пенсионер",
    "comments": "отец", "rnn": "600100000001", "collateralRelId": 2, "resident": true, "verified": false,
    "passport": {"seria": "4505", "no": "100200", "issueDate": "2005-02-01"}}],
  "goods": [{"id": 1, "name": "Ноутбук", "article": "NB-15", "description": "15 дюймов", "quantity": 1, "amount": 100000}],
  "meanIncome": 150000, "averageMonthlyCost": 20000, "monthlyCreditPayment": 3500.5,
  "activeCreditsAmount": 25000.5, "activeCreditsCount": 1, "activeDelinquencyAmount": 0,
  "closedCreditsCount": 2, "delinquencyCount": 0, "payedDelinquencyCount": 0, "writtenDelinquencyCount": 0,
  "employerInn": "7707083893", "employerTitle": "ООО «Вжух»",
  "leadDebts": [{"id": 1, "debtName": "Кредитная карта", "bank": "Банк", "debtBankId": 5, "contractNameAndDate": "№1 от 2020-01-01",
    "requisites": "40817810000000000001", "debtAmount": 50000, "remainderDebt": 25000.5, "monthlyPayment": 3500.5,
    "intRate": 23.9, "paymentPeriodicity": "MONTHLY", "availabilityDelays": "NO", "lastFactPaymentDate": "2024-10-01"}],
  "cardHolder": "VZHUH VUKH", "cardNumber": "220220******0001", "validThruMonth": "12", "validThruYear": "2027",
  "gettingMoneyMethodId": 1, "howYouKnowId": 3, "shopId": 77, "storeTypeId": 2, "subdivisionId": 5,
  "registrationNumber": "R-2330", "title": "Ноутбук в рассрочку",
  "approvedByScorista": true, "ipAndRegAddressMatch": true, "ipAndRegionMatch": true, "mobilePhoneCheck": true,
  "rosfinmonitoringCheck": true, "ufmsCheck": true,
  "extraFields": [{"id": 1, "key": "utm_source", "value": "partner"}]
}`

// leadBody is seedLead under another id, changed by set (see setPath).
func leadBody(t *testing.T, id int64, set map[string]any) map[string]any {
	t.Helper()
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(seedLead), &body))
	body["id"] = id
	for path, v := range set {
		setPath(t, body, path, v)
	}
	return body
}

// removed, as a value given to setPath, deletes the field.
var removed = &struct{}{}

var pathStep = regexp.MustCompile(`^([A-Za-z]+)(?:\[(\d+)\])?$`)

// setPath sets a field of a JSON document by a path such as "relatives[0].passport.no".
func setPath(t *testing.T, doc map[string]any, path string, v any) {
	t.Helper()
	steps := strings.Split(path, ".")
	node := doc
	for i, step := range steps {
		m := pathStep.FindStringSubmatch(step)
		require.NotNil(t, m, "bad path %s", path)
		last := i == len(steps)-1
		switch {
		case m[2] != "":
			n, _ := strconv.Atoi(m[2])
			list := node[m[1]].([]any)
			if last {
				list[n] = v
				return
			}
			node = list[n].(map[string]any)
		case last && v == removed:
			delete(node, m[1])
		case last:
			node[m[1]] = v
		default:
			next, ok := node[m[1]].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[m[1]] = next
			}
			node = next
		}
	}
}

// leadClient calls the lead routes with a token ("" for none).
type leadClient struct {
	app   *apptest.App
	token string
}

func (c leadClient) do(t *testing.T, method, path string, body any) apptest.Response {
	t.Helper()
	h := http.Header{"Content-Type": {"application/json"}}
	if c.token != "" {
		h.Set("Authorization", "Bearer "+c.token)
	}
	var raw []byte
	if body != nil {
		var err error
		raw, err = json.Marshal(body)
		require.NoError(t, err)
	}
	return c.app.Do(t, method, "/bs-core/main/leads/"+path, bytes.NewReader(raw), h)
}

func (c leadClient) put(t *testing.T, id int64, body any) apptest.Response {
	return c.do(t, http.MethodPut, strconv.FormatInt(id, 10), body)
}

func (c leadClient) client(t *testing.T, id int64) apptest.Response {
	return c.do(t, http.MethodPost, strconv.FormatInt(id, 10)+"/client", nil)
}

func (c leadClient) info(t *testing.T, id int64) apptest.Response {
	return c.do(t, http.MethodGet, strconv.FormatInt(id, 10)+"/scoring/info", nil)
}

// mustPut saves a lead and checks the answer: its id, bare.
func (c leadClient) mustPut(t *testing.T, id int64, body any) {
	t.Helper()
	resp := c.put(t, id, body)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	assert.Equal(t, strconv.FormatInt(id, 10), strings.TrimSpace(string(resp.Body)))
}

// mustClient makes a customer of a lead and returns its id, answered bare.
func (c leadClient) mustClient(t *testing.T, id int64) int64 {
	t.Helper()
	resp := c.client(t, id)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	clientID, err := strconv.ParseInt(strings.TrimSpace(string(resp.Body)), 10, 64)
	require.NoError(t, err, "%s", resp.Body)
	return clientID
}

// infoData returns the data of a lead's scoring info.
func (c leadClient) infoData(t *testing.T, id int64) map[string]any {
	t.Helper()
	resp := c.info(t, id)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	return resp.JSON(t)["data"].(map[string]any)
}

// assertShape checks that got has the JSON shape of want: the same keys at every level, the same
// JSON types where want has a value, and every element of a list shaped as want's first.
func assertShape(t *testing.T, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case nil:
	case map[string]any:
		g, ok := got.(map[string]any)
		require.True(t, ok, "%s: want an object, got %v", path, got)
		assert.ElementsMatch(t, keysOf(w), keysOf(g), "%s: keys", path)
		for k, v := range w {
			if gv, ok := g[k]; ok && gv != nil {
				assertShape(t, path+"."+k, v, gv)
			}
		}
	case []any:
		g, ok := got.([]any)
		require.True(t, ok, "%s: want a list, got %v", path, got)
		for i, gv := range g {
			if len(w) > 0 {
				assertShape(t, fmt.Sprintf("%s[%d]", path, i), w[0], gv)
			}
		}
	default:
		assert.IsType(t, want, got, "%s", path)
	}
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestLeadSeedExamples puts seed 003's lead under seed 002's id and reads it back in seed 002's
// shape, then makes a customer of it.
func TestLeadSeedExamples(t *testing.T) {
	app := apptest.Start(t)
	partner := leadClient{app: app, token: app.PartnerToken(t)}
	before := time.Now() // the lead's creationDate is its record's time

	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(seedLead), &body))
	id := newLeadID() // the seed's 2330 would be an earlier run's lead
	body["id"] = id
	partner.mustPut(t, id, body)

	resp := partner.info(t, id)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	var want, got map[string]any
	require.NoError(t, json.Unmarshal([]byte(seedScoringInfo), &want))
	require.NoError(t, json.Unmarshal(resp.Body, &got))
	// the seed's rule steps deny with integer reason ids, here with reason codes (strings); all else
	// has the seed's shape
	seedTask := want["data"].(map[string]any)["scoringTask"].(map[string]any)["ruleTasks"].([]any)[0].(map[string]any)
	seedTask["ruleStep"].(map[string]any)["denialReasonId"] = nil
	assertShape(t, "", want, got)

	assert.Equal(t, "ok", got["status"])
	assert.InDelta(t, float64(apptest.Clock.Now().UnixMilli()), got["timestamp"], 10_000)
	data := got["data"].(map[string]any)
	for k, v := range map[string]any{
		"id": float64(id), "channel": "LOAN_APPLICATION", "firstName": "Вух", "lastName": "Вух", "patronymic": "Вухец",
		"mobilePhone": "71968746646", "email": "vzhuh@vzhuh-vzhuh.ru", "managerId": float64(1010812), "amount": float64(100000),
		"currentStatus": "APPROVED", "denialReasonId": nil, "clientId": nil, "loanApplicationId": nil, "contractId": nil,
	} {
		assert.Equal(t, v, data[k], k)
	}
	assert.GreaterOrEqual(t, data["creationDate"], float64(before.Add(-time.Second).UnixMilli()))

	task := data["scoringTask"].(map[string]any)
	assert.Equal(t, "APPROVE", task["finalRecommendation"])
	assert.Equal(t, float64(1), task["ruleStepSchemaId"])
	assert.LessOrEqual(t, task["startDate"], task["endDate"])
	ruleTasks := task["ruleTasks"].([]any)
	require.Len(t, ruleTasks, 5, "the demo's five rules all ran")
	var recommendations []any
	for i, rt := range ruleTasks {
		rt := rt.(map[string]any)
		step := rt["ruleStep"].(map[string]any)
		recommendations = append(recommendations, rt["recommendation"])
		assert.Equal(t, float64(11), step["ruleStepTypeId"])
		assert.Equal(t, true, step["blocking"])
		assert.Equal(t, false, step["allowing"])
		assert.Nil(t, step["branchSchemaId"])
		assert.Nil(t, rt["errorInfo"])
		assert.Equal(t, []any{}, rt["options"])
		fields := step["fields"].([]any)
		require.Len(t, fields, 2)
		assert.Equal(t, float64(1), fields[0].(map[string]any)["stepTypeFieldId"])
		assert.Equal(t, float64(5), fields[1].(map[string]any)["stepTypeFieldId"])
		assert.NotEqual(t, fields[0].(map[string]any)["id"], fields[1].(map[string]any)["id"])
		if i == 0 {
			assert.Equal(t, "UNDERAGE", step["denialReasonId"])
			assert.Equal(t, "customer.age < 0 || customer.age >= 18", fields[0].(map[string]any)["value"])
			assert.Equal(t, "Заёмщику есть 18 лет", fields[1].(map[string]any)["value"])
		}
	}
	assert.Equal(t, []any{"GOOD", "GOOD", "GOOD", "MEDIUM", "GOOD"}, recommendations)

	// seed 003: create a client from the lead; the answer is the client id, bare
	clientID := partner.mustClient(t, id)
	assert.Equal(t, float64(clientID), partner.infoData(t, id)["clientId"])

	// the body was kept whole: the GraphQL twin reads every part back
	lead := gql(t, app, partner.token, `query($id: ID!) { lead(id: $id) { id channel mobilePhone amount period periodUnit clientId currentStatus
		passport { seria no issueDate manager subdivisionCode }
		addressData { postalCode fiasChain { name parents { name } } attributes }
		registrationAddressData { streetName } addresses { position purposeId }
		relatives { firstName passport { no } } goods { name quantity amount }
		meanIncome leadDebts { bank intRate remainderDebt } cardNumber validThruYear snils ufmsCheck extraFields { key value } } }`, map[string]any{"id": strconv.FormatInt(id, 10)})["lead"].(map[string]any)
	assert.Equal(t, strconv.FormatInt(id, 10), lead["id"])
	assert.Equal(t, strconv.FormatInt(clientID, 10), lead["clientId"])
	assert.Equal(t, "100000.00", lead["amount"])
	assert.Equal(t, "MONTHS", lead["periodUnit"])
	assert.Equal(t, map[string]any{"seria": "4510", "no": "233001", "issueDate": "2010-05-20", "manager": "ОВД Тверской г. Москвы", "subdivisionCode": "770-001"}, lead["passport"])
	assert.Equal(t, map[string]any{"postalCode": "125009", "fiasChain": map[string]any{"name": "Москва", "parents": []any{map[string]any{"name": "Россия"}}},
		"attributes": map[string]any{"floor": "3", "intercom": "15K"}}, lead["addressData"])
	assert.Equal(t, []any{map[string]any{"position": float64(0), "purposeId": float64(1)}}, lead["addresses"])
	assert.Equal(t, []any{map[string]any{"firstName": "Вжух", "passport": map[string]any{"no": "100200"}}}, lead["relatives"])
	assert.Equal(t, []any{map[string]any{"name": "Ноутбук", "quantity": float64(1), "amount": "100000.00"}}, lead["goods"])
	assert.Equal(t, []any{map[string]any{"bank": "Банк", "intRate": "23.9", "remainderDebt": "25000.50"}}, lead["leadDebts"])
	assert.Equal(t, "220220******0001", lead["cardNumber"])
	assert.Equal(t, []any{map[string]any{"key": "utm_source", "value": "partner"}}, lead["extraFields"])
}

// TestLeadValidation checks each rule of the lead's fields: the bad field is named and nothing is
// stored, whether the lead is new or replaced.
func TestLeadValidation(t *testing.T) {
	app := apptest.Start(t)
	partner := leadClient{app: app, token: app.PartnerToken(t)}
	long := strings.Repeat("Ж", 51)

	cases := []struct {
		field string
		set   map[string]any
	}{
		{"id", map[string]any{"id": 1}},
		{"channel", map[string]any{"channel": removed}},
		{"channel", map[string]any{"channel": "PHONE"}},
		{"firstName", map[string]any{"firstName": " "}},
		{"firstName", map[string]any{"firstName": long}},
		{"lastName", map[string]any{"lastName": removed}},
		{"lastName", map[string]any{"lastName": long}},
		{"patronymic", map[string]any{"patronymic": removed}},
		{"patronymic", map[string]any{"patronymic": long}},
		{"mobilePhone", map[string]any{"mobilePhone": removed}},
		{"mobilePhone", map[string]any{"mobilePhone": "12345"}},
		{"email", map[string]any{"email": "vzhuh at example"}},
		{"managerId", map[string]any{"managerId": 0}},
		{"amount", map[string]any{"amount": removed}},
		{"amount", map[string]any{"amount": -1}},
		{"amount", map[string]any{"amount": 100.555}},
		{"amount", map[string]any{"amount": 1e12}},
		{"cardCvc", map[string]any{"cardCvc": "123"}},
		{"cardNumber", map[string]any{"cardNumber": "2202 2012 3456 0001"}},
		{"cardHolder", map[string]any{"cardHolder": "VUKH 2202201234560001"}},
		{"validThruMonth", map[string]any{"validThruMonth": "13"}},
		{"validThruYear", map[string]any{"validThruYear": "27"}},
		{"passport.seria", map[string]any{"passport.seria": removed}},
		{"passport.seria", map[string]any{"passport.seria": "45A0"}},
		{"passport.no", map[string]any{"passport.no": "12345"}},
		{"passport.issueDate", map[string]any{"passport.issueDate": "20.05.2010"}},
		{"passport.issueDate", map[string]any{"passport.issueDate": "2999-01-01"}},
		{"passport.closeDate", map[string]any{"passport.closeDate": "someday"}},
		{"passport.subdivisionCode", map[string]any{"passport.subdivisionCode": "770001"}},
		{"passport.complementaryDocTypeId", map[string]any{"passport.complementaryDocTypeId": -1}},
		{"relatives[0].firstName", map[string]any{"relatives[0].firstName": long}},
		{"relatives[0].birthDate", map[string]any{"relatives[0].birthDate": "2999-01-01"}},
		{"relatives[0].email", map[string]any{"relatives[0].email": "father@"}},
		{"relatives[0].collateralRelId", map[string]any{"relatives[0].collateralRelId": 0}},
		{"relatives[0].passport.no", map[string]any{"relatives[0].passport.no": "1002"}},
		{"goods[0].name", map[string]any{"goods[0].name": ""}},
		{"goods[0].quantity", map[string]any{"goods[0].quantity": 0}},
		{"goods[0].amount", map[string]any{"goods[0].amount": -5}},
		{"addressData.postalCode", map[string]any{"addressData.postalCode": "12500"}},
		{"addressData.fiasId", map[string]any{"addressData.fiasId": "b30b0b1a"}},
		{"addressData.regDate", map[string]any{"addressData.regDate": "2005-13-01"}},
		{"addressData.countryId", map[string]any{"addressData.countryId": 0}},
		{"addressData.attributes.floor", map[string]any{"addressData.attributes.floor": 3}},
		{"addressData.fiasChain.level", map[string]any{"addressData.fiasChain.level": -1}},
		{"addressData.fiasChain.parents[0].id", map[string]any{"addressData.fiasChain.parents[0]": map[string]any{"id": "russia"}}},
		{"registrationAddressData.postalCode", map[string]any{"registrationAddressData.postalCode": "ABCDEF"}},
		{"addresses[0].position", map[string]any{"addresses[0].position": 256}},
		{"addresses[0].purposeId", map[string]any{"addresses[0].purposeId": 0}},
		{"meanIncome", map[string]any{"meanIncome": -1}},
		{"averageMonthlyCost", map[string]any{"averageMonthlyCost": 1.001}},
		{"activeCreditsCount", map[string]any{"activeCreditsCount": -1}},
		{"writtenDelinquencyCount", map[string]any{"writtenDelinquencyCount": -2}},
		{"employerInn", map[string]any{"employerInn": "770708"}},
		{"leadDebts[0].debtAmount", map[string]any{"leadDebts[0].debtAmount": -1}},
		{"leadDebts[0].intRate", map[string]any{"leadDebts[0].intRate": -0.5}},
		{"leadDebts[0].lastFactPaymentDate", map[string]any{"leadDebts[0].lastFactPaymentDate": "yesterday"}},
		{"leadDebts[0].debtBankId", map[string]any{"leadDebts[0].debtBankId": 0}},
		{"birthDate", map[string]any{"birthDate": "2999-04-12"}},
		{"inn", map[string]any{"inn": "5001"}},
		{"snils", map[string]any{"snils": "112-233"}},
		{"childrenCount", map[string]any{"childrenCount": -1}},
		{"sexId", map[string]any{"sexId": 0}},
		{"creditProductId", map[string]any{"creditProductId": -1800}},
		{"period", map[string]any{"period": 0}},
		{"period", map[string]any{"period": "12"}}, // a JSON type error names the field too
		{"periodUnit", map[string]any{"periodUnit": "HOURS"}},
		{"periodUnit", map[string]any{"periodUnit": removed}},
		{"extraFields[0].key", map[string]any{"extraFields[0].key": ""}},
	}
	for _, c := range cases {
		id := newLeadID()
		t.Run(fmt.Sprintf("%s %v", c.field, c.set), func(t *testing.T) {
			body := assertRESTError(t, partner.put(t, id, leadBody(t, id, c.set)), http.StatusBadRequest, "INVALID")
			assert.Contains(t, body["fields"], map[string]any{"field": c.field, "message": fieldMessage(body, c.field)}, "%s", body["message"])
			assert.Contains(t, body["message"], c.field)
			var n int
			require.NoError(t, app.Store.DB.Get(&n, `SELECT count(*) FROM leads WHERE id = $1`, id))
			assert.Zero(t, n, "nothing stored")
		})
	}

	t.Run("every bad field at once", func(t *testing.T) {
		id := newLeadID()
		body := assertRESTError(t, partner.put(t, id, leadBody(t, id, map[string]any{"channel": "PHONE", "goods[0].quantity": 0, "passport.no": "1"})), http.StatusBadRequest, "INVALID")
		assert.Len(t, body["fields"], 3)
	})

	t.Run("a path id that is no lead id", func(t *testing.T) {
		for _, id := range []string{"abc", "0", "-5"} {
			body := assertRESTError(t, partner.do(t, http.MethodPut, id, leadBody(t, 1, map[string]any{"id": removed})), http.StatusBadRequest, "INVALID")
			assert.Equal(t, "id", body["fields"].([]any)[0].(map[string]any)["field"])
			assertRESTError(t, partner.do(t, http.MethodGet, id+"/scoring/info", nil), http.StatusNotFound, "NOT_FOUND")
		}
	})

	t.Run("a replaced lead stays as it was", func(t *testing.T) {
		id := newLeadID()
		partner.mustPut(t, id, leadBody(t, id, nil))
		before := partner.infoData(t, id)
		assertRESTError(t, partner.put(t, id, leadBody(t, id, map[string]any{"firstName": "Новое", "amount": -1})), http.StatusBadRequest, "INVALID")
		assert.Equal(t, before, partner.infoData(t, id), "neither the lead nor its scoring changed")
	})
}

// fieldMessage is the message the answer gives for field.
func fieldMessage(body map[string]any, field string) any {
	fields, _ := body["fields"].([]any)
	for _, f := range fields {
		if f.(map[string]any)["field"] == field {
			return f.(map[string]any)["message"]
		}
	}
	return nil
}

// person is who a lead is: the five fields a customer is matched by, and a phone of their own.
type person struct {
	last, first, patronymic, seria, no, phone string
}

func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + rand.IntN(10)))
	}
	return b.String()
}

func newPerson() person {
	return person{"Лидов", "Лид", "Лидович", randomDigits(4), "1" + randomDigits(5), "7955" + randomDigits(7)}
}

func (p person) lead(t *testing.T, id int64) map[string]any {
	return leadBody(t, id, map[string]any{
		"lastName": p.last, "firstName": p.first, "patronymic": p.patronymic, "mobilePhone": p.phone,
		"passport.seria": p.seria, "passport.no": p.no,
	})
}

// TestLeadToClientDedup checks that a lead is attached to the customer with the same last name,
// first name, patronymic, passport series and number, and that any one of them differing makes
// another customer.
func TestLeadToClientDedup(t *testing.T) {
	app := apptest.Start(t)
	partner := leadClient{app: app, token: app.PartnerToken(t)}
	employee := app.EmployeeToken(t)
	next := newLeadID

	p := newPerson()
	first := next()
	partner.mustPut(t, first, p.lead(t, first))
	clientID := partner.mustClient(t, first)
	assert.Equal(t, clientID, partner.mustClient(t, first), "a lead attached keeps its customer")

	// the new customer is the lead's person, with the passport as a PASSPORT document
	c := gql(t, app, employee, `query($id: ID) { customer(id: $id) { phone firstName lastName middleName birthDate email
		documents { status documentType { name } documentInfo { series number issuer issueDate additionalData sourceName sourceId } } } }`,
		map[string]any{"id": strconv.FormatInt(clientID, 10)})["customer"].(map[string]any)
	assert.Equal(t, p.phone, c["phone"])
	assert.Equal(t, []any{p.first, p.last, p.patronymic, "1985-04-12", "vzhuh@vzhuh-vzhuh.ru"}, []any{c["firstName"], c["lastName"], c["middleName"], c["birthDate"], c["email"]})
	assert.Equal(t, []any{map[string]any{"status": "NOT_CHECKED", "documentType": map[string]any{"name": "PASSPORT"},
		"documentInfo": []any{map[string]any{"series": p.seria, "number": p.no, "issuer": "ОВД Тверской г. Москвы", "issueDate": "2010-05-20",
			"additionalData": map[string]any{"authority_code": "770-001", "birthplace": "гор. Москва"}, "sourceName": "LEAD", "sourceId": strconv.FormatInt(first, 10)}}}},
		c["documents"])

	t.Run("the same five: the same customer", func(t *testing.T) {
		same := p
		same.phone = "7955" + randomDigits(7)
		same.last, same.first = strings.ToUpper(p.last), strings.ToLower(p.first) // names compare without case
		lead := next()
		partner.mustPut(t, lead, same.lead(t, lead))
		assert.Equal(t, clientID, partner.mustClient(t, lead))
	})

	t.Run("two leads of one new person made customers at once: one customer", func(t *testing.T) {
		q := newPerson()
		leads := []int64{next(), next()}
		for _, lead := range leads {
			partner.mustPut(t, lead, q.lead(t, lead))
		}
		var wg sync.WaitGroup
		ids := make([]int64, len(leads))
		for i, lead := range leads {
			wg.Go(func() { ids[i] = partner.mustClient(t, lead) })
		}
		wg.Wait()
		assert.Equal(t, ids[0], ids[1])
		assert.NotEqual(t, clientID, ids[0])
	})

	t.Run("any one differing: a new customer", func(t *testing.T) {
		seen := map[int64]bool{clientID: true}
		for name, change := range map[string]func(*person){
			"last name":  func(x *person) { x.last = "Лидова" },
			"first name": func(x *person) { x.first = "Лида" },
			"patronymic": func(x *person) { x.patronymic = "Лидовна" },
			"series":     func(x *person) { x.seria = fmt.Sprintf("%04d", (mustAtoi(t, x.seria)+1)%10000) },
			"number":     func(x *person) { x.no = fmt.Sprintf("%06d", mustAtoi(t, x.no)+1) },
		} {
			other := p
			other.phone = "7955" + randomDigits(7)
			change(&other)
			lead := next()
			partner.mustPut(t, lead, other.lead(t, lead))
			got := partner.mustClient(t, lead)
			assert.False(t, seen[got], "%s differs: customer %d is new", name, got)
			seen[got] = true
		}
	})

	t.Run("the phone of another person", func(t *testing.T) {
		other := newPerson()
		other.phone = p.phone
		lead := next()
		partner.mustPut(t, lead, other.lead(t, lead))
		assertRESTError(t, partner.client(t, lead), http.StatusConflict, "CUSTOMER_ALREADY_EXISTS")
		assert.Nil(t, partner.infoData(t, lead)["clientId"], "not attached")
	})

	t.Run("no passport", func(t *testing.T) {
		lead := next()
		partner.mustPut(t, lead, leadBody(t, lead, map[string]any{"passport": removed, "mobilePhone": "7955" + randomDigits(7)}))
		body := assertRESTError(t, partner.client(t, lead), http.StatusBadRequest, "INVALID")
		assert.Equal(t, "passport", body["fields"].([]any)[0].(map[string]any)["field"])
	})

	t.Run("a passport the registry's rules refuse", func(t *testing.T) {
		other := newPerson()
		lead := next()
		body := other.lead(t, lead)
		setPath(t, body, "passport.issueDate", removed) // PASSPORT requires its issue date
		partner.mustPut(t, lead, body)
		resp := assertRESTError(t, partner.client(t, lead), http.StatusBadRequest, "VALIDATION_FAILURE")
		assert.Equal(t, "issue_date", resp["fields"].([]any)[0].(map[string]any)["field"])
		var n int
		require.NoError(t, app.Store.DB.Get(&n, `SELECT count(*) FROM customers WHERE phone = $1`, other.phone))
		assert.Zero(t, n, "no customer is left half made")
	})
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// TestLeadScoringAfterRuleChange changes a rule of the one rule table and sees the next scoring of
// a lead, and of an application, follow it; earlier scorings keep the rule as it was.
func TestLeadScoringAfterRuleChange(t *testing.T) {
	app := apptest.Start(t)
	partner := leadClient{app: app, token: app.PartnerToken(t)}
	employee := app.EmployeeToken(t)

	rules := gql(t, app, employee, `{ scoringRules { id orderNo expression description blocking allowing denialReason recommendation active } }`, nil)["scoringRules"].([]any)
	var rule map[string]any
	for _, r := range rules {
		if r.(map[string]any)["denialReason"] == "AMOUNT_TOO_HIGH" {
			rule = r.(map[string]any)
		}
	}
	require.NotNil(t, rule, "the demo's AMOUNT_TOO_HIGH rule")
	const update = `mutation($id: ID!, $in: ScoringRuleInput!) { updateScoringRule(id: $id, input: $in) { id expression blocking active } }`
	t.Cleanup(func() { // the rule decides every application of the package: put all of it back as it was
		in := map[string]any{}
		for _, k := range []string{"orderNo", "expression", "description", "blocking", "allowing", "denialReason", "recommendation", "active"} {
			in[k] = rule[k]
		}
		gql(t, app, employee, update, map[string]any{"id": rule["id"], "in": in})
		for _, r := range gql(t, app, employee, `{ scoringRules { id orderNo expression description blocking allowing denialReason recommendation active } }`, nil)["scoringRules"].([]any) {
			if r.(map[string]any)["id"] == rule["id"] {
				assert.Equal(t, rule, r, "the rule restored")
			}
		}
	})

	id := newLeadID()
	partner.mustPut(t, id, leadBody(t, id, nil))
	before := partner.infoData(t, id)
	require.Equal(t, "APPROVED", before["currentStatus"])
	oldTask := before["scoringTask"].(map[string]any)

	stricter := `application.loanAmount <= 50000 || customer.salary >= 200000`
	changed := gql(t, app, employee, update, map[string]any{"id": rule["id"], "in": map[string]any{"expression": stricter}})["updateScoringRule"]
	assert.Equal(t, map[string]any{"id": rule["id"], "expression": stricter, "blocking": true, "active": true}, changed)
	assert.Equal(t, before, partner.infoData(t, id), "an earlier scoring keeps the rule as it ran")

	scored := gql(t, app, partner.token, `mutation($id: ID!) { scoreLead(id: $id) { currentStatus denialReason
		scoringTask { id finalRecommendation ruleTasks { recommendation ruleStep { id denialReasonId fields { stepTypeFieldId value } } } } } }`, map[string]any{"id": strconv.FormatInt(id, 10)})["scoreLead"].(map[string]any)
	assert.Equal(t, "DENIED", scored["currentStatus"])
	assert.Equal(t, "AMOUNT_TOO_HIGH", scored["denialReason"])

	after := partner.infoData(t, id)
	assert.Equal(t, "DENIED", after["currentStatus"])
	assert.Equal(t, "AMOUNT_TOO_HIGH", after["denialReasonId"])
	task := after["scoringTask"].(map[string]any)
	assert.Greater(t, task["id"], oldTask["id"])
	assert.Equal(t, scored["scoringTask"].(map[string]any)["id"], strconv.FormatFloat(task["id"].(float64), 'f', -1, 64))
	assert.Equal(t, "DENY", task["finalRecommendation"])
	last := task["ruleTasks"].([]any)[4].(map[string]any)
	assert.Equal(t, "DENY", last["recommendation"])
	assert.Equal(t, "AMOUNT_TOO_HIGH", last["ruleStep"].(map[string]any)["denialReasonId"])
	assert.Equal(t, stricter, last["ruleStep"].(map[string]any)["fields"].([]any)[0].(map[string]any)["value"])

	// each save scores again
	partner.mustPut(t, id, leadBody(t, id, map[string]any{"amount": 40000, "goods[0].amount": 40000}))
	again := partner.infoData(t, id)
	assert.Equal(t, "APPROVED", again["currentStatus"])
	assert.Nil(t, again["denialReasonId"])
	assert.Greater(t, again["scoringTask"].(map[string]any)["id"], task["id"])

	// the application lifecycle reads the same table: the spec's example, approved with the demo's
	// rules, is declined now
	p := partnerClient{app: app, token: partner.token}
	guid := uuid.NewString()
	resp := p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "lead-rule-"+guid, nil))
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	st := p.waitStatus(t, guid)
	assert.Equal(t, "DECLINED", st["status"])
	assert.Contains(t, st["message"], "AMOUNT_TOO_HIGH")

	t.Run("a rule the engine cannot run is refused", func(t *testing.T) {
		for _, in := range []map[string]any{
			{"expression": "application.loanAmount <="},
			{"expression": "1 + 2"},
			{"expression": " "},
			{"allowing": true},
			{"recommendation": "EXCELLENT"},
		} {
			resp := app.GraphQL(t, employee, update, map[string]any{"id": rule["id"], "in": in})
			require.Equal(t, "INVALID", resp.Code(), "%v: %v", in, resp.Errors)
		}
		resp := app.GraphQL(t, employee, update, map[string]any{"id": "999999", "in": map[string]any{"active": false}})
		assert.Equal(t, "NOT_FOUND", resp.Code())
		still := gql(t, app, employee, `{ scoringRules { id expression } }`, nil)["scoringRules"].([]any)
		assert.Contains(t, still, map[string]any{"id": rule["id"], "expression": stricter})
	})
}

// TestLeadAccess checks who may use each lead route and operation: partners their own leads,
// employees any; customers none, nor callers without a token.
func TestLeadAccess(t *testing.T) {
	app := apptest.Start(t)
	partner := leadClient{app: app, token: app.PartnerToken(t)}
	employee := leadClient{app: app, token: app.EmployeeToken(t)}
	customer := leadClient{app: app, token: app.CustomerToken(t, demo.TestPhone(8))}
	anonymous := leadClient{app: app}

	hash, err := signin.HashSecret("lead-other-secret")
	require.NoError(t, err)
	_, err = app.Store.DB.ExecContext(context.Background(),
		`INSERT INTO partners (name, client_id, secret_hash) VALUES ('lead-other', 'lead-other', $1) ON CONFLICT DO NOTHING`, hash)
	require.NoError(t, err)
	other := leadClient{app: app, token: app.Token(t, "/auth/partners", map[string][]string{
		"grant_type": {"client_credentials"}, "client_id": {"lead-other"}, "client_secret": {"lead-other-secret"}}, nil)}

	own, byEmployee := newLeadID(), newLeadID()
	partner.mustPut(t, own, newPerson().lead(t, own))
	employee.mustPut(t, byEmployee, newPerson().lead(t, byEmployee))

	t.Run("REST", func(t *testing.T) {
		for _, c := range []struct {
			who    leadClient
			status int
			code   string
		}{
			{customer, http.StatusForbidden, "FORBIDDEN"},
			{anonymous, http.StatusUnauthorized, "UNAUTHENTICATED"},
		} {
			assertRESTError(t, c.who.put(t, own, leadBody(t, own, nil)), c.status, c.code)
			assertRESTError(t, c.who.client(t, own), c.status, c.code)
			assertRESTError(t, c.who.info(t, own), c.status, c.code)
		}
		// another partner's lead, or one of the back office, is not found by a partner
		for _, c := range []struct {
			who leadClient
			id  int64
		}{{other, own}, {partner, byEmployee}} {
			assertRESTError(t, c.who.put(t, c.id, leadBody(t, c.id, nil)), http.StatusNotFound, "NOT_FOUND")
			assertRESTError(t, c.who.client(t, c.id), http.StatusNotFound, "NOT_FOUND")
			assertRESTError(t, c.who.info(t, c.id), http.StatusNotFound, "NOT_FOUND")
		}
		assert.Equal(t, "Лид", partner.infoData(t, own)["firstName"], "the other partner changed nothing")
		assertRESTError(t, partner.info(t, 1), http.StatusNotFound, "NOT_FOUND")
		// employees reach any lead
		employee.mustPut(t, own, newPerson().lead(t, own))
		assert.NotNil(t, employee.infoData(t, own)["scoringTask"])
		assert.NotNil(t, partner.infoData(t, own)["scoringTask"], "still the partner's own")
	})

	t.Run("GraphQL", func(t *testing.T) {
		input := func(id int64) map[string]any {
			in := leadBody(t, id, map[string]any{"id": removed, "clientId": removed, "denialReasonId": removed, "mobilePhone": "7955" + randomDigits(7)})
			return in
		}
		ops := []struct {
			query string
			vars  map[string]any
		}{
			{`query($id: ID!) { lead(id: $id) { id } }`, map[string]any{"id": strconv.FormatInt(own, 10)}},
			{`{ leads { edges { node { id } } } }`, nil},
			{`mutation($id: ID!, $in: LeadInput!) { updateLead(id: $id, input: $in) { id } }`, map[string]any{"id": strconv.FormatInt(own, 10), "in": input(own)}},
			{`mutation($id: ID!) { createCustomerFromLead(id: $id) { clientId } }`, map[string]any{"id": strconv.FormatInt(own, 10)}},
			{`mutation($id: ID!) { scoreLead(id: $id) { currentStatus } }`, map[string]any{"id": strconv.FormatInt(own, 10)}},
		}
		for _, op := range ops {
			assert.Equal(t, "FORBIDDEN", app.GraphQL(t, customer.token, op.query, op.vars).Code(), op.query)
			assert.Equal(t, "UNAUTHENTICATED", app.GraphQL(t, "", op.query, op.vars).Code(), op.query)
		}
		for _, op := range []string{`{ scoringRules { id } }`, `mutation { updateScoringRule(id: "1", input: {active: true}) { id } }`} {
			assert.Equal(t, "FORBIDDEN", app.GraphQL(t, partner.token, op, nil).Code(), op)
		}
		// another partner: the lead is null, the actions NOT_FOUND
		assert.Nil(t, gql(t, app, other.token, `query($id: ID!) { lead(id: $id) { id } }`, map[string]any{"id": strconv.FormatInt(own, 10)})["lead"])
		for _, op := range ops[2:] {
			assert.Equal(t, "NOT_FOUND", app.GraphQL(t, other.token, op.query, op.vars).Code(), op.query)
		}
		assert.Equal(t, map[string]any{"edges": []any{}}, gql(t, app, other.token, `{ leads { edges { node { id } } } }`, nil)["leads"])
	})
}

// TestLeadGraphQL drives a lead through the GraphQL twins: save, read, list, make a customer,
// score.
func TestLeadGraphQL(t *testing.T) {
	app := apptest.Start(t)
	partner := app.PartnerToken(t)
	employee := app.EmployeeToken(t)
	p := newPerson()
	in := p.lead(t, 0)
	for _, k := range []string{"id", "clientId", "denialReasonId"} {
		delete(in, k)
	}
	leadID := newLeadID()
	id, badID := strconv.FormatInt(leadID, 10), strconv.FormatInt(newLeadID(), 10)
	const fields = `id channel firstName mobilePhone amount periodUnit clientId currentStatus denialReason
		scoringTask { finalRecommendation ruleStepSchemaId ruleTasks { recommendation options ruleStep { ruleStepTypeId orderNo } } }`

	in["mobilePhone"] = "+7 (" + p.phone[1:4] + ") " + p.phone[4:7] + "-" + p.phone[7:9] + "-" + p.phone[9:]
	saved := gql(t, app, partner, `mutation($id: ID!, $in: LeadInput!) { updateLead(id: $id, input: $in) { `+fields+` } }`, map[string]any{"id": id, "in": in})["updateLead"].(map[string]any)
	assert.Equal(t, id, saved["id"])
	assert.Equal(t, p.phone, saved["mobilePhone"], "stored normalized")
	assert.Equal(t, "APPROVED", saved["currentStatus"])
	assert.Nil(t, saved["clientId"])
	task := saved["scoringTask"].(map[string]any)
	assert.Equal(t, "APPROVE", task["finalRecommendation"])
	assert.Equal(t, float64(1), task["ruleStepSchemaId"])
	assert.Len(t, task["ruleTasks"], 5)

	// GraphQL validation is the domain's: the bad field named
	bad := map[string]any{}
	for k, v := range in {
		bad[k] = v
	}
	bad["lastName"] = strings.Repeat("Ж", 51)
	resp := app.GraphQL(t, partner, `mutation($id: ID!, $in: LeadInput!) { updateLead(id: $id, input: $in) { id } }`, map[string]any{"id": badID, "in": bad})
	require.Equal(t, "INVALID", resp.Code())
	assert.Equal(t, []any{map[string]any{"field": "lastName", "message": "must be at most 50 characters"}}, resp.Errors[0].Extensions["fields"])
	assert.Nil(t, gql(t, app, partner, `query($id: ID!) { lead(id: $id) { id } }`, map[string]any{"id": badID})["lead"])

	// the REST twin sees the same lead
	rest := leadClient{app: app, token: partner}
	assert.Equal(t, "APPROVED", rest.infoData(t, leadID)["currentStatus"])

	made := gql(t, app, partner, `mutation($id: ID!) { createCustomerFromLead(id: $id) { clientId } }`, map[string]any{"id": id})["createCustomerFromLead"].(map[string]any)
	require.NotNil(t, made["clientId"])
	assert.Equal(t, made["clientId"], strconv.FormatFloat(rest.infoData(t, leadID)["clientId"].(float64), 'f', -1, 64))
	assert.Equal(t, made["clientId"], strconv.FormatInt(rest.mustClient(t, leadID), 10), "the REST twin attaches to the same customer")

	rescored := gql(t, app, partner, `mutation($id: ID!) { scoreLead(id: $id) { currentStatus scoringTask { id } } }`, map[string]any{"id": id})["scoreLead"].(map[string]any)
	assert.Equal(t, "APPROVED", rescored["currentStatus"])

	// the list: a partner's own, an employee's all; pages by id, highest first
	site := []int64{newLeadID(), newLeadID(), newLeadID()}
	for _, id := range site {
		other := newPerson()
		body := other.lead(t, id)
		delete(body, "id")
		delete(body, "clientId")
		delete(body, "denialReasonId")
		body["channel"] = "SITE"
		gql(t, app, employee, `mutation($id: ID!, $in: LeadInput!) { updateLead(id: $id, input: $in) { id } }`,
			map[string]any{"id": strconv.FormatInt(id, 10), "in": body})
	}
	const list = `query($first: Int, $after: String, $filter: LeadFilter) { leads(first: $first, after: $after, filter: $filter) {
		edges { cursor node { id channel } } pageInfo { hasNextPage endCursor } } }`
	// this test's ids are the highest yet, so its three SITE leads come first, whatever earlier
	// runs left
	edge := func(id int64) any {
		s := strconv.FormatInt(id, 10)
		return map[string]any{"cursor": s, "node": map[string]any{"id": s, "channel": "SITE"}}
	}
	page := gql(t, app, employee, list, map[string]any{"first": 2, "filter": map[string]any{"channel": "SITE"}})["leads"].(map[string]any)
	assert.Equal(t, []any{edge(site[2]), edge(site[1])}, page["edges"])
	assert.Equal(t, map[string]any{"hasNextPage": true, "endCursor": strconv.FormatInt(site[1], 10)}, page["pageInfo"])
	page = gql(t, app, employee, list, map[string]any{"first": 2, "after": strconv.FormatInt(site[1], 10), "filter": map[string]any{"channel": "SITE"}})["leads"].(map[string]any)
	assert.Equal(t, edge(site[0]), page["edges"].([]any)[0])

	mine := gql(t, app, partner, list, map[string]any{"filter": map[string]any{"lastName": "лидов", "mobilePhone": p.phone}})["leads"].(map[string]any)
	assert.Equal(t, []any{map[string]any{"cursor": id, "node": map[string]any{"id": id, "channel": "LOAN_APPLICATION"}}}, mine["edges"])
	for _, e := range gql(t, app, partner, list, map[string]any{"filter": map[string]any{"channel": "SITE"}})["leads"].(map[string]any)["edges"].([]any) {
		assert.NotContains(t, []any{edge(site[0]), edge(site[1]), edge(site[2])}, e, "the employee's leads are not the partner's")
	}
	assert.Equal(t, "INVALID", app.GraphQL(t, partner, list, map[string]any{"filter": map[string]any{"mobilePhone": "12"}}).Code())
}

// leadIDs hands out lead ids no earlier run on the database has used, each higher than the last:
// a lead put again under its id is that lead, changed, with what an earlier run made of it.
var leadIDs = func() *atomic.Int64 {
	var n atomic.Int64
	n.Store(time.Now().UnixMilli() % 1_000_000_000_000 * 100)
	return &n
}()

// newLeadID returns a lead id of the test's own.
func newLeadID() int64 { return leadIDs.Add(1) }
