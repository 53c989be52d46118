package web_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/demo"
)

// identityApplicant sets the applicant's phone and names.
func identityApplicant(phone, first, last, middle string) func(map[string]any) {
	return func(d map[string]any) {
		c := d["customer"].(map[string]any)
		c["phone"], c["first_name"], c["last_name"], c["middle_name"] = phone, first, last, middle
	}
}

const identityView = `query($guid: ID) { customer(guid: $guid) { guid phone firstName lastName middleName birthDate email
	applications { id } } }`

// customerOfPhone is the registry's customer whose login is phone, as the back office sees it.
func customerOfPhone(t *testing.T, app *apptest.App, emp, phone string) map[string]any {
	t.Helper()
	found, _ := profSearch(t, app, emp, map[string]any{"phone": phone}, nil, nil)
	var owner map[string]any
	for _, guid := range found { // the search also finds those who hold the phone as their contact
		if c := regOK(t, app, emp, identityView, map[string]any{"guid": guid}); c["phone"] == phone {
			require.Nil(t, owner, "one customer has the login %s", phone)
			owner = c
		}
	}
	require.NotNil(t, owner, "a customer has the login %s", phone)
	return owner
}

func TestCreateKeepsTheRegistrysIdentity(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	emp := app.EmployeeToken(t)
	create := func(guid string, mutate func(map[string]any)) apptest.Response {
		return p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "id-"+guid, mutate))
	}

	t.Run("a stranger's questionnaire on a known phone is refused and changes nothing", func(t *testing.T) {
		phone := demo.TestPhone(1) // Иван Иванов Иванович, no birth date held
		before := customerOfPhone(t, app, emp, phone)
		guid := uuid.NewString()
		resp := create(guid, identityApplicant(phone, "Неизвестный", "Человек", ""))
		assertRESTError(t, resp, http.StatusConflict, "CUSTOMER_IDENTITY_MISMATCH")
		assert.NotContains(t, string(resp.Body), "Иван", "the refusal tells nothing of the registry")
		missing := p.app.Do(t, http.MethodGet, "/partner/api/v1/applications/"+guid+"/status", nil, http.Header{"Authorization": {"Bearer " + p.token}})
		assert.Equal(t, http.StatusNotFound, missing.Status, "nothing was stored")
		assert.Equal(t, before, customerOfPhone(t, app, emp, phone), "the registry is as it was")
	})

	t.Run("the same person on a known phone is theirs, and the registry is not filled in from it", func(t *testing.T) {
		phone := demo.TestPhone(1)
		guid := newApplication(t, p, identityApplicant(phone, "иван", "ИВАНОВ", "Иванович"))
		c := customerOfPhone(t, app, emp, phone)
		assert.Contains(t, profIDs(c["applications"]), guid, "the application is the registry customer's")
		assert.Nil(t, c["birthDate"], "the questionnaire's birth date did not fill the registry's blank")
		assert.Nil(t, c["email"], "nor its e-mail")
		a := regOK(t, app, p.token, `query($id: ID!) { application(id: $id) { customer { phone firstName lastName } } }`, map[string]any{"id": guid})
		assert.Equal(t, map[string]any{"phone": phone, "firstName": "Иван", "lastName": "Иванов"}, a["customer"],
			"the partner reads back the names it filed")
	})

	t.Run("a new phone makes a customer of the questionnaire; its birth date and passport then bind", func(t *testing.T) {
		phone := profPhone()
		first := newApplication(t, p, identityApplicant(phone, "Пётр", "Сидоров", "Ильич"))
		c := customerOfPhone(t, app, emp, phone)
		assert.Equal(t, "Пётр", c["firstName"])
		assert.Equal(t, "1990-10-03", c["birthDate"], "the new customer has the questionnaire's birth date")
		assert.Contains(t, profIDs(c["applications"]), first)

		otherBirth := func(d map[string]any) {
			identityApplicant(phone, "Пётр", "Сидоров", "Ильич")(d)
			d["customer"].(map[string]any)["birth_date"] = "1991-10-03"
		}
		assertRESTError(t, create(uuid.NewString(), otherBirth), http.StatusConflict, "CUSTOMER_IDENTITY_MISMATCH")
		noMiddleName := identityApplicant(phone, "Пётр", "Сидоров", "")
		assertRESTError(t, create(uuid.NewString(), noMiddleName), http.StatusConflict, "CUSTOMER_IDENTITY_MISMATCH")

		regOK(t, app, emp, regCreateDocument, map[string]any{"customer": c["guid"], "type": "PASSPORT", "status": "VALID",
			"info": map[string]any{"series": "4510", "number": "123456", "issuer": "ОВД", "issueDate": "2015-06-01"}})
		assertRESTError(t, create(uuid.NewString(), identityApplicant(phone, "Пётр", "Сидоров", "Ильич")), http.StatusConflict,
			"CUSTOMER_IDENTITY_MISMATCH") // the questionnaire's passport is 1234 621234
		samePassport := func(d map[string]any) {
			identityApplicant(phone, "Пётр", "Сидоров", "Ильич")(d)
			doc := d["customer_documents"].([]any)[0].(map[string]any)
			doc["series"], doc["number"] = "4510", "123456"
		}
		second := newApplication(t, p, samePassport)
		assert.Contains(t, profIDs(customerOfPhone(t, app, emp, phone)["applications"]), second)
	})
}

// Two partners file for one new phone at once, one for each of two people: both are accepted (the
// registry knows neither yet), the first processed makes the customer and the other is declined.
func TestIdentityRecheckedWhenProcessed(t *testing.T) {
	paused := apptest.StartWithoutWorker(t)
	p := partnerClient{app: paused, token: paused.PartnerToken(t)}
	phone := profPhone()
	people := [][3]string{{"Анна", "Белова", "Олеговна"}, {"Ольга", "Чернова", "Игоревна"}}
	guids := make([]string, 0, 2*len(people))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 2 * len(people) { // each person twice
		person := people[i%len(people)]
		wg.Go(func() {
			guid := uuid.NewString()
			resp := p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "race-"+guid, identityApplicant(phone, person[0], person[1], person[2])))
			assert.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
			mu.Lock()
			guids = append(guids, guid)
			mu.Unlock()
		})
	}
	wg.Wait()

	worker := apptest.Start(t)
	p.app = worker
	statuses := map[string]int{}
	for _, guid := range guids {
		st := p.waitStatus(t, guid)
		statuses[st["status"].(string)]++
		if st["status"] == "DECLINED" {
			assert.Contains(t, st["message"], "identity mismatch")
		}
	}
	assert.Equal(t, map[string]int{"APPROVED": 2, "DECLINED": 2}, statuses, "one person's two applications are approved, the other's declined")
	c := customerOfPhone(t, worker, worker.EmployeeToken(t), phone)
	assert.Len(t, regList(c["applications"]), 2, "the customer has only their own applications")
}
