package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/demo"
)

// The payments operations, with the fields the tests read.
const (
	paySourceFields = `id type status statusReason comment additionalData version
		card { holder bin paymentSystemType bankName lastFourDigits currencyCode expirationMonth expirationYear }
		account { number type bankName currencyCode }`
	payOrderFields = `id customerId process type fromFinancialSourceId toFinancialSourceId externalFinancialSource entityType
		entityId amount currency status additionalData paymentProvider createdAt updatedAt completedAt`

	payAddSource = `mutation($in: FinancialSourceInput!) { addFinancialSource(input: $in) { ` + paySourceFields + ` } }`
	payBind      = `mutation($s: ID!, $p: ID!, $ext: String!) { bindFinancialSource(sourceId: $s, providerId: $p, externalFinancialSource: $ext) {
		` + paySourceFields + ` bindings { paymentProvider externalFinancialSource } } }`
	paySetStatus = `mutation($id: ID!, $status: FinancialSourceStatus!, $reason: String, $comment: String) {
		setFinancialSourceStatus(id: $id, status: $status, reason: $reason, comment: $comment) { ` + paySourceFields + ` } }`
	payMine           = `{ me { financialSources { id type status } } }`
	payCustomerSource = `query($guid: ID, $type: FinancialSourceType, $status: FinancialSourceStatus) { customer(guid: $guid) {
		financialSources(type: $type, status: $status) { id type status bindings { paymentProvider externalFinancialSource } } } }`
	payProviders = `{ paymentProviders { id code status } }`
	payRules     = `{ paymentProviderRules { id status provider { id code } operation { id code } } }`
	payRuleState = `mutation($id: ID!, $s: DictionaryStatus!) { setPaymentProviderRuleStatus(id: $id, status: $s) { id status } }`
	payOrders    = `query($c: ID, $l: ID, $first: Int, $before: ID) { transactionOrders(customerId: $c, loanId: $l, first: $first, before: $before) {
		` + payOrderFields + ` } }`
	payPost  = `mutation($in: PostPaymentInput!) { postPayment(input: $in) { id } }`
	payRepay = `mutation($l: ID!, $s: ID!, $a: Money!) { repayLoan(loanId: $l, sourceId: $s, amount: $a) { id } }`
)

// payCustomer signs in a new customer (a fresh phone) and returns their token and guid.
func payCustomer(t *testing.T, app *apptest.App) (token, guid string) {
	t.Helper()
	c := regNewCustomer(t, app)
	return c.token, c.guid
}

// payCard is a card's masked data as the mobile app sends it.
func payCard() map[string]any {
	return map[string]any{"holder": "IVAN PETROV", "bin": "220220", "paymentSystemType": "MIR", "bankName": "Банк",
		"lastFourDigits": "4242", "currencyCode": "RUB", "expirationMonth": "09", "expirationYear": "2029"}
}

// payProvider returns the guid of the provider code.
func payProvider(t *testing.T, app *apptest.App, emp, code string) string {
	t.Helper()
	for _, p := range regList(gql(t, app, emp, payProviders, nil)["paymentProviders"]) {
		if regObj(p)["code"] == code {
			return regObj(p)["id"].(string)
		}
	}
	t.Fatalf("no provider %s", code)
	return ""
}

// payRule returns the rule of an operation with the given status.
func payRule(t *testing.T, app *apptest.App, emp, operation, status string) map[string]any {
	t.Helper()
	for _, r := range regList(gql(t, app, emp, payRules, nil)["paymentProviderRules"]) {
		if regObj(regObj(r)["operation"])["code"] == operation && regObj(r)["status"] == status {
			return regObj(r)
		}
	}
	t.Fatalf("no %s rule of %s", status, operation)
	return nil
}

// payOrdersOf returns a loan's transaction orders, newest first.
func payOrdersOf(t *testing.T, app *apptest.App, emp, loan string) []any {
	t.Helper()
	return regList(gql(t, app, emp, payOrders, map[string]any{"l": loan})["transactionOrders"])
}

// payCount counts the rows of a table.
func payCount(t *testing.T, app *apptest.App, table string) int {
	t.Helper()
	var n int
	require.NoError(t, app.Store.DB.Get(&n, `SELECT count(*) FROM `+table))
	return n
}

func TestPaymentsDictionaries(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	customer, partner := app.CustomerToken(t, demo.TestPhone(4)), app.PartnerToken(t)
	for _, d := range []struct{ list, create, setStatus, key, entity, exists, notFound string }{
		{"paymentProviders", "createPaymentProvider", "setPaymentProviderStatus", "code", "payment_provider", "PAYMENT_PROVIDER_ALREADY_EXISTS", "PAYMENT_PROVIDER_NOT_FOUND"},
		{"paymentOperations", "createPaymentOperation", "setPaymentOperationStatus", "code", "payment_operation", "OPERATION_ALREADY_EXISTS", "OPERATION_NOT_FOUND"},
		{"transactionTypes", "createTransactionType", "setTransactionTypeStatus", "name", "transaction_type", "TRANSACTION_TYPE_ALREADY_EXISTS", "TRANSACTION_TYPE_NOT_FOUND"},
	} {
		t.Run(d.create, func(t *testing.T) {
			create := fmt.Sprintf(`mutation($k: String!) { %s(%s: $k) { id %s status createdAt updatedAt } }`, d.create, d.key, d.key)
			set := fmt.Sprintf(`mutation($id: ID!, $s: DictionaryStatus!) { %s(id: $id, status: $s) { id %s status } }`, d.setStatus, d.key)
			list := fmt.Sprintf(`{ %s { id %s status } }`, d.list, d.key)
			key := regName("PAY")

			created := regOK(t, app, emp, create, map[string]any{"k": key})
			assert.Equal(t, key, created[d.key])
			assert.Equal(t, "ACTIVE", created["status"])
			entries := regList(gql(t, app, emp, list, nil)[d.list])
			assert.Contains(t, entries, map[string]any{"id": created["id"], d.key: key, "status": "ACTIVE"})

			assert.Empty(t, regFail(t, app, emp, d.exists, create, map[string]any{"k": key}))
			assert.Equal(t, []string{d.key}, regFail(t, app, emp, "INVALID", create, map[string]any{"k": "1 not a code"}))
			assert.Len(t, regList(gql(t, app, emp, list, nil)[d.list]), len(entries), "refused entries are not stored")

			off := regOK(t, app, emp, set, map[string]any{"id": created["id"], "s": "INACTIVE"})
			assert.Equal(t, map[string]any{"id": created["id"], d.key: key, "status": "INACTIVE"}, off)
			assert.Contains(t, regList(gql(t, app, emp, list, nil)[d.list]), off)
			for _, id := range []string{uuid.NewString(), "not-a-guid"} {
				regFail(t, app, emp, d.notFound, set, map[string]any{"id": id, "s": "ACTIVE"})
			}

			for _, token := range []string{customer, partner} {
				regFail(t, app, token, "FORBIDDEN", create, map[string]any{"k": regName("PAY")})
				regFail(t, app, token, "FORBIDDEN", set, map[string]any{"id": created["id"], "s": "ACTIVE"})
				assert.Equal(t, "FORBIDDEN", app.GraphQL(t, token, list, nil).Code())
			}

			trail := regList(gql(t, app, emp, regAuditQuery, map[string]any{"entity": d.entity, "id": created["id"]})["auditTrail"])
			require.Len(t, trail, 2, "the create and the status change")
			assert.Equal(t, d.setStatus, regObj(trail[0])["action"])
			assert.Equal(t, d.create, regObj(trail[1])["action"])
			assert.Equal(t, actor, regObj(trail[1])["actor"])
		})
	}
}

func TestPaymentsProviderRules(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)
	newEntry := func(mutation string) map[string]any {
		return regOK(t, app, emp, `mutation($k: String!) { `+mutation+`(code: $k) { id code } }`, map[string]any{"k": regName("PAY")})
	}
	first, second, operation := newEntry("createPaymentProvider"), newEntry("createPaymentProvider"), newEntry("createPaymentOperation")
	create := `mutation($p: ID!, $o: ID!) { createPaymentProviderRule(providerId: $p, operationId: $o) {
		id status provider { code } operation { code } } }`

	rule := regOK(t, app, emp, create, map[string]any{"p": first["id"], "o": operation["id"]})
	assert.Equal(t, "ACTIVE", rule["status"])
	assert.Equal(t, first["code"], regObj(rule["provider"])["code"])
	assert.Equal(t, operation["code"], regObj(rule["operation"])["code"])
	assert.Equal(t, rule["id"], payRule(t, app, emp, operation["code"].(string), "ACTIVE")["id"])

	rules := payCount(t, app, "payment_provider_rules")
	regFail(t, app, emp, "CONFLICT", create, map[string]any{"p": second["id"], "o": operation["id"]})
	regFail(t, app, emp, "PAYMENT_PROVIDER_NOT_FOUND", create, map[string]any{"p": uuid.NewString(), "o": operation["id"]})
	regFail(t, app, emp, "OPERATION_NOT_FOUND", create, map[string]any{"p": second["id"], "o": uuid.NewString()})
	assert.Equal(t, rules, payCount(t, app, "payment_provider_rules"), "refused rules are not stored")

	assert.Equal(t, "INACTIVE", regOK(t, app, emp, payRuleState, map[string]any{"id": rule["id"], "s": "INACTIVE"})["status"])
	replacement := regOK(t, app, emp, create, map[string]any{"p": second["id"], "o": operation["id"]})
	assert.Equal(t, second["code"], regObj(replacement["provider"])["code"], "with the first rule off, another may serve the operation")
	regFail(t, app, emp, "CONFLICT", payRuleState, map[string]any{"id": rule["id"], "s": "ACTIVE"})
	regFail(t, app, emp, "PAYMENT_PROVIDER_RULE_NOT_FOUND", payRuleState, map[string]any{"id": uuid.NewString(), "s": "ACTIVE"})

	for _, token := range []string{app.CustomerToken(t, demo.TestPhone(4)), app.PartnerToken(t)} {
		regFail(t, app, token, "FORBIDDEN", create, map[string]any{"p": first["id"], "o": operation["id"]})
		regFail(t, app, token, "FORBIDDEN", payRuleState, map[string]any{"id": rule["id"], "s": "ACTIVE"})
		assert.Equal(t, "FORBIDDEN", app.GraphQL(t, token, payRules, nil).Code())
	}
}

func TestPaymentsFinancialSources(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)
	owner, ownerGUID := payCustomer(t, app)
	stranger, _ := payCustomer(t, app)
	partner := app.PartnerToken(t)
	internal, bank := payProvider(t, app, emp, demo.InternalProvider), payProvider(t, app, emp, demo.BankProvider)

	card := regOK(t, app, owner, payAddSource, map[string]any{"in": map[string]any{"card": payCard()}})
	assert.Equal(t, "CARD", card["type"])
	assert.Equal(t, "PENDING", card["status"], "a new source waits for a provider")
	assert.Equal(t, float64(1), card["version"])
	assert.Equal(t, payCard(), card["card"])
	assert.Nil(t, card["account"])
	account := regOK(t, app, owner, payAddSource, map[string]any{"in": map[string]any{"account": map[string]any{
		"number": "40817810099910004312", "type": "CURRENT", "bankName": "Банк", "currencyCode": "RUB"}}})
	assert.Equal(t, "ACCOUNT", account["type"])
	assert.Equal(t, "40817810099910004312", regObj(account["account"])["number"])
	assert.Nil(t, account["card"])

	t.Run("bad input stores nothing", func(t *testing.T) {
		before := payCount(t, app, "financial_sources")
		withCard := func(field, value string) map[string]any {
			c := payCard()
			c[field] = value
			return map[string]any{"card": c}
		}
		for _, in := range []struct {
			input  map[string]any
			fields []string
		}{
			{map[string]any{}, []string{"card"}},
			{map[string]any{"card": payCard(), "account": map[string]any{"number": "1", "type": "CURRENT"}}, []string{"card"}},
			{withCard("holder", "4276 3800 1234 5678"), []string{"card.holder"}},
			{withCard("bin", "4276380012345678"), []string{"card.bin"}},
			{withCard("expirationMonth", "13"), []string{"card.expirationMonth"}},
			{withCard("currencyCode", "rub"), []string{"card.currencyCode"}},
			{map[string]any{"account": map[string]any{"number": " ", "type": "CURRENT"}}, []string{"account.number"}},
		} {
			assert.Equal(t, in.fields, profFail(t, app, owner, "INVALID", payAddSource, map[string]any{"in": in.input}), "%v", in.input)
		}
		for _, token := range []string{emp, partner} {
			regFail(t, app, token, "FORBIDDEN", payAddSource, map[string]any{"in": map[string]any{"card": payCard()}})
		}
		assert.Equal(t, before, payCount(t, app, "financial_sources"))
		assert.NotContains(t, app.Logs.String(), "4276380012345678", "a card number is not logged")
	})

	t.Run("each customer sees their own", func(t *testing.T) {
		mine := regList(regObj(gql(t, app, owner, payMine, nil)["me"])["financialSources"])
		require.Len(t, mine, 2)
		assert.Equal(t, account["id"], regObj(mine[0])["id"], "newest first")
		assert.Equal(t, card["id"], regObj(mine[1])["id"])
		cards := gql(t, app, owner, `{ me { customer { financialSources(type: CARD) { id } } } }`, nil)
		assert.Equal(t, []any{map[string]any{"id": card["id"]}}, regObj(regObj(cards["me"])["customer"])["financialSources"])
		assert.Empty(t, regObj(gql(t, app, stranger, payMine, nil)["me"])["financialSources"])
		assert.Empty(t, regObj(gql(t, app, emp, payMine, nil)["me"])["financialSources"], "an employee has no sources of their own")
		assert.Empty(t, regObj(gql(t, app, partner, payMine, nil)["me"])["financialSources"])
		assert.Equal(t, "FORBIDDEN", app.GraphQL(t, owner, `{ me { financialSources { bindings { externalFinancialSource } } } }`, nil).Code(),
			"the providers' ids are the back office's")

		pending := regObj(gql(t, app, emp, payCustomerSource, map[string]any{"guid": ownerGUID, "status": "PENDING"})["customer"])
		assert.Len(t, regList(pending["financialSources"]), 2)
	})

	t.Run("binding completes a source", func(t *testing.T) {
		bound := regOK(t, app, emp, payBind, map[string]any{"s": card["id"], "p": internal, "ext": "tok-1"})
		assert.Equal(t, "COMPLETED", bound["status"])
		assert.Equal(t, float64(2), bound["version"])
		assert.Equal(t, []any{map[string]any{"paymentProvider": demo.InternalProvider, "externalFinancialSource": "tok-1"}}, bound["bindings"])

		regFail(t, app, emp, "PAYMENT_FINANCIAL_SOURCE_ALREADY_EXISTS", payBind, map[string]any{"s": card["id"], "p": internal, "ext": "tok-2"})
		regFail(t, app, emp, "PROVIDER_NOT_FOUND", payBind, map[string]any{"s": card["id"], "p": uuid.NewString(), "ext": "tok-2"})
		regFail(t, app, emp, "FINANCIAL_SOURCE_NOT_FOUND", payBind, map[string]any{"s": uuid.NewString(), "p": internal, "ext": "tok-2"})
		assert.Equal(t, []string{"externalFinancialSource"}, regFail(t, app, emp, "INVALID", payBind, map[string]any{"s": card["id"], "p": bank, "ext": " "}))
		for _, token := range []string{owner, partner} {
			regFail(t, app, token, "FORBIDDEN", payBind, map[string]any{"s": account["id"], "p": bank, "ext": "tok-3"})
		}

		twice := regOK(t, app, emp, payBind, map[string]any{"s": card["id"], "p": bank, "ext": "bank-1"})
		assert.Equal(t, "COMPLETED", twice["status"])
		assert.Len(t, twice["bindings"], 2, "one binding per provider")
	})

	t.Run("the back office sets DEACTIVATED or COMPLETED", func(t *testing.T) {
		off := regOK(t, app, emp, paySetStatus, map[string]any{"id": card["id"], "status": "DEACTIVATED", "reason": "CUSTOMER_REQUEST", "comment": "позвонил в банк"})
		assert.Equal(t, "DEACTIVATED", off["status"])
		assert.Equal(t, "CUSTOMER_REQUEST", off["statusReason"])
		assert.Equal(t, "позвонил в банк", off["comment"])
		assert.Equal(t, float64(3), off["version"])
		for _, status := range []string{"PENDING", "FAILED"} {
			assert.Equal(t, []string{"status"}, regFail(t, app, emp, "INVALID", paySetStatus, map[string]any{"id": card["id"], "status": status}))
		}
		regFail(t, app, emp, "FINANCIAL_SOURCE_NOT_FOUND", paySetStatus, map[string]any{"id": uuid.NewString(), "status": "COMPLETED"})
		for _, token := range []string{owner, stranger, partner} {
			regFail(t, app, token, "FORBIDDEN", paySetStatus, map[string]any{"id": card["id"], "status": "COMPLETED"})
		}
		on := regOK(t, app, emp, paySetStatus, map[string]any{"id": card["id"], "status": "COMPLETED"})
		assert.Equal(t, "COMPLETED", on["status"])
		assert.Nil(t, on["statusReason"])

		completed := regObj(gql(t, app, emp, payCustomerSource, map[string]any{"guid": ownerGUID, "type": "CARD", "status": "COMPLETED"})["customer"])
		assert.Equal(t, []any{card["id"]}, profIDs(completed["financialSources"]))
		trail := regList(gql(t, app, emp, regAuditQuery, map[string]any{"entity": "financial_source", "id": card["id"]})["auditTrail"])
		var actions []any
		for _, e := range trail {
			actions = append(actions, regObj(e)["action"])
		}
		assert.Equal(t, []any{"setFinancialSourceStatus", "setFinancialSourceStatus", "bindFinancialSource", "bindFinancialSource", "addFinancialSource"}, actions)
	})

	assert.Equal(t, "FORBIDDEN", app.GraphQL(t, partner, payCustomerSource, map[string]any{"guid": ownerGUID}).Code())
}

func TestPaymentsPayoutOrder(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	emp := app.EmployeeToken(t)
	phone := demo.TestPhone(8)
	guid := newApplication(t, p, func(d map[string]any) { d["customer"].(map[string]any)["phone"] = phone })
	for _, step := range [][2]string{{"select_offer", ``}, {"send_otp", ``}, {"sign", `{"code":"1111"}`}} {
		require.Equal(t, http.StatusOK, p.post(t, action(guid, step[0]), []byte(step[1])).Status, step[0])
	}
	loan := regObj(regObj(gql(t, app, emp, `query($id: ID!) { application(id: $id) { loan { id amount } } }`, map[string]any{"id": guid})["application"])["loan"])
	loanID := loan["id"].(string)
	payoutDate := `query($id: ID!) { loan(id: $id) { payoutDate } }`

	signed := payOrdersOf(t, app, emp, loanID)
	require.Len(t, signed, 1, "signing orders the payout")
	order := regObj(signed[0])
	assert.Equal(t, "LOAN_PAYOUT", order["type"])
	assert.Equal(t, "NEW", order["status"])
	assert.Equal(t, "SIGN", order["process"])
	assert.Equal(t, "LOAN", order["entityType"])
	assert.Equal(t, loanID, order["entityId"])
	assert.Equal(t, loan["amount"], order["amount"])
	assert.Equal(t, "RUB", order["currency"])
	assert.Equal(t, demo.InternalProvider, order["paymentProvider"])
	assert.Equal(t, map[string]any{"partner": demo.PartnerName}, order["additionalData"])
	assert.Nil(t, order["completedAt"])
	assert.Nil(t, regObj(gql(t, app, emp, payoutDate, map[string]any{"id": loanID})["loan"])["payoutDate"], "not paid out before the goods are handed over")

	require.Equal(t, http.StatusOK, p.post(t, action(guid, "confirm"), []byte(`{"confirm_date":"`+day(0)+`"}`)).Status)
	confirmed := regObj(payOrdersOf(t, app, emp, loanID)[0])
	assert.Equal(t, order["id"], confirmed["id"])
	assert.Equal(t, "COMPLETED", confirmed["status"])
	completedAt, err := time.Parse(time.RFC3339, confirmed["completedAt"].(string))
	require.NoError(t, err)
	assert.WithinDuration(t, apptest.Clock.Now(), completedAt, time.Minute, "paid out when the loan opens")
	owner := app.CustomerToken(t, phone)
	for _, token := range []string{emp, owner} {
		assert.Equal(t, confirmed["completedAt"], regObj(gql(t, app, token, payoutDate, map[string]any{"id": loanID})["loan"])["payoutDate"])
	}

	t.Run("listing", func(t *testing.T) {
		customer := order["customerId"]
		all := regList(gql(t, app, emp, payOrders, map[string]any{"c": customer, "first": 100})["transactionOrders"])
		assert.Contains(t, profIDs(all), order["id"])
		page := regList(gql(t, app, emp, payOrders, map[string]any{"first": 1})["transactionOrders"])
		next := regList(gql(t, app, emp, payOrders, map[string]any{"first": 1, "before": regObj(page[0])["id"]})["transactionOrders"])
		assert.Equal(t, profIDs(regList(gql(t, app, emp, payOrders, map[string]any{"first": 2})["transactionOrders"])), append(profIDs(page), profIDs(next)...))

		regFail(t, app, emp, "LOAN_NOT_FOUND", payOrders, map[string]any{"l": uuid.NewString()})
		regFail(t, app, emp, "CUSTOMER_NOT_FOUND", payOrders, map[string]any{"c": uuid.NewString()})
		assert.Equal(t, []string{"before"}, regFail(t, app, emp, "INVALID", payOrders, map[string]any{"before": "last"}))
		regFail(t, app, emp, "INVALID", payOrders, map[string]any{"first": 101})
		for _, token := range []string{owner, p.token} {
			assert.Equal(t, "FORBIDDEN", app.GraphQL(t, token, payOrders, map[string]any{"l": loanID}).Code())
		}
	})
}

// payPosting is a manual payment of 1000 roubles into loan an hour ago; change edits it.
func payPosting(loan string, change map[string]any) map[string]any {
	in := map[string]any{"loanId": loan, "amount": "1000.00", "currency": "RUB", "eventTime": apptest.Clock.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		"comment": "оплата в кассе", "paymentProvider": demo.InternalProvider}
	for k, v := range change {
		in[k] = v
	}
	return map[string]any{"in": in}
}

func TestPaymentsPostPayment(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	emp := app.EmployeeToken(t)
	phone := demo.TestPhone(8)
	loan := openLoan(t, app, p, phone)
	orders := payCount(t, app, "transaction_orders")

	regFail(t, app, emp, "INCOMPATIBLE_PAYMENT_PROVIDER", payPost, payPosting(loan, map[string]any{"paymentProvider": demo.BankProvider}))
	regFail(t, app, emp, "PAYMENT_PROVIDER_NOT_FOUND", payPost, payPosting(loan, map[string]any{"paymentProvider": "NO_SUCH_PROVIDER"}))
	fields := regFail(t, app, emp, "INVALID", payPost, payPosting(loan, map[string]any{
		"amount": "0", "currency": "USD", "eventTime": apptest.Clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)}))
	assert.Equal(t, []string{"amount", "currency", "eventTime"}, fields)
	regFail(t, app, emp, "LOAN_NOT_FOUND", payPost, payPosting(uuid.NewString(), nil))
	for _, token := range []string{app.CustomerToken(t, phone), p.token} {
		regFail(t, app, token, "FORBIDDEN", payPost, payPosting(loan, nil))
	}

	rule := payRule(t, app, emp, "MANUAL_PAYMENT", "ACTIVE")
	regOK(t, app, emp, payRuleState, map[string]any{"id": rule["id"], "s": "INACTIVE"})
	regFail(t, app, emp, "PAYMENT_PROVIDER_RULE_NOT_DEFINED", payPost, payPosting(loan, nil))
	regOK(t, app, emp, payRuleState, map[string]any{"id": rule["id"], "s": "ACTIVE"})
	assert.Equal(t, orders, payCount(t, app, "transaction_orders"), "a refused payment orders nothing")

	in := payPosting(loan, nil)
	assert.Equal(t, loan, regOK(t, app, emp, payPost, in)["id"])
	posted := regObj(payOrdersOf(t, app, emp, loan)[0])
	assert.Equal(t, "MANUAL_PAYMENT", posted["type"])
	assert.Equal(t, "COMPLETED", posted["status"])
	assert.Equal(t, "MANUAL_POSTING", posted["process"])
	assert.Equal(t, "1000.00", posted["amount"])
	assert.Equal(t, demo.InternalProvider, posted["paymentProvider"])
	eventTime, err := time.Parse(time.RFC3339, in["in"].(map[string]any)["eventTime"].(string))
	require.NoError(t, err)
	completedAt, err := time.Parse(time.RFC3339, posted["completedAt"].(string))
	require.NoError(t, err)
	assert.True(t, eventTime.Equal(completedAt), "the money moved at the event time: %s", completedAt)
	assert.Equal(t, map[string]any{"comment": "оплата в кассе"}, posted["additionalData"])
	trail := regList(gql(t, app, emp, regAuditQuery, map[string]any{"entity": "loan", "id": loan, "first": 1})["auditTrail"])
	assert.Equal(t, "postPayment", regObj(trail[0])["action"])
}

func TestPaymentsRepayLoan(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	emp := app.EmployeeToken(t)
	loan := openLoan(t, app, p, demo.TestPhone(1))
	owner, other := app.CustomerToken(t, demo.TestPhone(1)), app.CustomerToken(t, demo.TestPhone(2))
	demoCard := func(token string) string { // the demo's card, bound to the internal provider, among what other runs added
		guid := gql(t, app, token, `{ me { subject } }`, nil)["me"].(map[string]any)["subject"].(string)
		sources := regList(regObj(gql(t, app, emp, payCustomerSource, map[string]any{"guid": guid, "type": "CARD", "status": "COMPLETED"})["customer"])["financialSources"])
		for _, s := range sources {
			for _, b := range regList(regObj(s)["bindings"]) {
				if regObj(b)["paymentProvider"] == demo.InternalProvider && regObj(b)["externalFinancialSource"] == "demo-card-"+guid {
					return regObj(s)["id"].(string)
				}
			}
		}
		t.Fatalf("demo customer %s has no demo card", guid)
		return ""
	}
	card, othersCard := demoCard(owner), demoCard(other)
	orders := payCount(t, app, "transaction_orders")

	regFail(t, app, owner, "FINANCIAL_SOURCE_NOT_FOUND", payRepay, map[string]any{"l": loan, "s": othersCard, "a": "500.00"})
	regFail(t, app, owner, "FINANCIAL_SOURCE_NOT_FOUND", payRepay, map[string]any{"l": loan, "s": uuid.NewString(), "a": "500.00"})
	regFail(t, app, other, "LOAN_NOT_FOUND", payRepay, map[string]any{"l": loan, "s": othersCard, "a": "500.00"})
	regFail(t, app, p.token, "FORBIDDEN", payRepay, map[string]any{"l": loan, "s": card, "a": "500.00"})
	assert.Equal(t, []string{"amount"}, regFail(t, app, owner, "INVALID", payRepay, map[string]any{"l": loan, "s": card, "a": "0"}))
	pending := regOK(t, app, owner, payAddSource, map[string]any{"in": map[string]any{"card": payCard()}})["id"]
	regFail(t, app, owner, "TRANSACTION_CREATION_IMPOSSIBLE", payRepay, map[string]any{"l": loan, "s": pending, "a": "500.00"})
	regOK(t, app, emp, payBind, map[string]any{"s": pending, "p": payProvider(t, app, emp, demo.BankProvider), "ext": "bank-card"})
	regFail(t, app, owner, "IMPOSSIBLE_TO_DEFINE_FINANCIAL_SOURCE", payRepay, map[string]any{"l": loan, "s": pending, "a": "500.00"})
	assert.Equal(t, orders, payCount(t, app, "transaction_orders"), "a refused repayment orders nothing")
	// the loan opened today: nothing is due yet, so what is paid waits on its balance for the due date
	balance := func() string {
		l := regObj(gql(t, app, emp, `query($id: ID!) { loan(id: $id) { balance { fullAmount } debts { mainDebt } } }`, map[string]any{"id": loan})["loan"])
		return regObj(l["balance"])["fullAmount"].(string)
	}
	require.Equal(t, "0.00", balance(), "the refusals moved no money")

	assert.Equal(t, loan, regOK(t, app, owner, payRepay, map[string]any{"l": loan, "s": card, "a": "500.00"})["id"])
	assert.Equal(t, "500.00", balance())
	repaid := regObj(payOrdersOf(t, app, emp, loan)[0])
	assert.Equal(t, "LOAN_REPAYMENT", repaid["type"])
	assert.Equal(t, "COMPLETED", repaid["status"])
	assert.Equal(t, "REPAYMENT", repaid["process"])
	assert.Equal(t, "500.00", repaid["amount"])
	assert.Equal(t, card, repaid["fromFinancialSourceId"])
	assert.Equal(t, "demo-card-"+repaid["customerId"].(string), repaid["externalFinancialSource"], "the provider's id of the card")
	assert.NotNil(t, repaid["completedAt"])

	assert.Equal(t, loan, regOK(t, app, emp, payRepay, map[string]any{"l": loan, "s": card, "a": "100.00"})["id"], "an employee repays for the customer")
	assert.Equal(t, "100.00", regObj(payOrdersOf(t, app, emp, loan)[0])["amount"])
	assert.Equal(t, "600.00", balance())

	// the same key, sent five times at once: one payment
	keyed := `mutation($l: ID!, $s: ID!, $a: Money!, $k: String) { repayLoan(loanId: $l, sourceId: $s, amount: $a, idempotencyKey: $k) { id } }`
	orders = payCount(t, app, "transaction_orders")
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			regOK(t, app, owner, keyed, map[string]any{"l": loan, "s": card, "a": "250.00", "k": "repay-1"})
		})
	}
	wg.Wait()
	assert.Equal(t, orders+1, payCount(t, app, "transaction_orders"), "one order for one key")
	assert.Equal(t, "850.00", balance(), "one key, one payment on the balance")
	regFail(t, app, owner, "CONFLICT", keyed, map[string]any{"l": loan, "s": card, "a": "300.00", "k": "repay-1"})
	assert.Equal(t, "850.00", balance(), "the same key for another amount is refused whole")
	assert.Equal(t, []string{"idempotencyKey"}, regFail(t, app, owner, "INVALID", keyed, map[string]any{"l": loan, "s": card, "a": "1.00", "k": strings.Repeat("k", 101)}))
}

func TestPaymentsDemoData(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)
	for n := 1; n <= 3; n++ {
		guid := gql(t, app, app.CustomerToken(t, demo.TestPhone(n)), `{ me { subject } }`, nil)["me"].(map[string]any)["subject"]
		sources := regList(regObj(gql(t, app, emp, payCustomerSource, map[string]any{"guid": guid, "type": "CARD", "status": "COMPLETED"})["customer"])["financialSources"])
		require.NotEmpty(t, sources, "demo customer %d has a card", n)
		assert.Contains(t, regList(regObj(sources[len(sources)-1])["bindings"]),
			map[string]any{"paymentProvider": demo.InternalProvider, "externalFinancialSource": "demo-card-" + guid.(string)})
	}
	tables := []string{"payment_providers", "payment_operations", "payment_provider_rules", "transaction_types", "financial_sources", "provider_financial_sources"}
	counts := map[string]int{}
	for _, table := range tables {
		counts[table] = payCount(t, app, table)
	}
	require.NoError(t, demo.Load(context.Background(), app.Store))
	for _, table := range tables {
		assert.Equal(t, counts[table], payCount(t, app, table), "loading the demo again adds no %s", table)
	}
}
