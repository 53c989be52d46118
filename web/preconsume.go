package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/preconsumption"
)

// preconsumeRoutes mounts the corporate expense system's route (seed 004), which it calls with a
// service employee's token.
func (s *Server) preconsumeRoutes(r chi.Router) {
	r.Post("/preconsume/submit", s.submitPreConsumptions)
}

// preConsumptionBatchFields is the field table of the batch, preConsumptionFields that of each of
// its requests (seed 004). Values are checked by the domain once the types are right.
var (
	preConsumptionBatchFields = []fieldRule{
		{"timestamp", jsonInteger, false},
		{"data", jsonArray, true},
	}
	preConsumptionFields = []fieldRule{
		{"businessCode", jsonString, true},
		{"name", jsonString, true},
		{"userEmployeeId", jsonString, true},
		{"departmentBizCode", jsonString, true},
		{"subsidiaryBizCode", jsonString, true},
		{"costTrackings", jsonArray, false},
		{"costTrackings[].costTrackingName", jsonString, true},
		{"costTrackings[].costTrackingItemBizCode", jsonString, true},
		{"amount", jsonNumber, true},
		{"approvedAmount", jsonNumber, true},
		{"submittedAt", jsonInteger, false},
		{"expenses", jsonArray, false},
		{"expenses[].feeTypeBizCode", jsonString, true},
		{"expenses[].amount", jsonNumber, true},
		{"expenses[].approvedAmount", jsonNumber, true},
		{"expenses[].consumeTime", jsonInteger, false},
		{"userLoans", jsonArray, false},
		{"userLoans[].loanTypeBizCode", jsonString, true},
		{"userLoans[].loanAmount", jsonNumber, true},
		{"userLoans[].loanTypeMode", jsonString, false},
		{"userLoans[].currency", jsonString, true},
		{"userLoans[].loanRepaymentDate", jsonInteger, false},
		{"handleList", jsonArray, false},
		{"correlationPattern", jsonString, false},
		{"formSubTypeBizCode", jsonString, false},
		{"comments", jsonString, false},
		{"customFormValues", jsonArray, false},
		{"customFormValues[].identifier", jsonString, true},
		{"customFormValues[].value", jsonString, false},
		{"customFormValues[].detailFieldValues", jsonArray, false},
		{"accompaniedUserList", jsonArray, false},
		{"accompaniedUserList[].employeeId", jsonString, false},
		{"accompaniedUserList[].associateRuleName", jsonString, true},
		{"accompaniedUserList[].name", jsonString, false},
		{"accompaniedUserList[].rank", jsonString, false},
		{"accompaniedUserList[].department", jsonString, false},
		{"accompaniedUserList[].company", jsonString, false},
		{"accompaniedUserList[].identityNo", jsonString, false},
		{"accompaniedUserList[].firstName", jsonString, false},
		{"accompaniedUserList[].middleName", jsonString, false},
		{"accompaniedUserList[].lastName", jsonString, false},
		{"acceptCcy", jsonString, false},
	}
	// preConsumptionTimes are the epoch times of a request, which the domain reads as times.
	preConsumptionTimes = []string{"submittedAt", "expenses[].consumeTime", "userLoans[].loanRepaymentDate"}
)

// preConsumeAck and preConsumeNack are the route's answers (seed 004): every request saved, or
// the business codes of those refused with why; data repeats errorData for older callers.
type (
	preConsumeAck struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	preConsumeNack struct {
		Code      string            `json:"code"`
		ErrorData map[string]string `json:"errorData"`
		Data      map[string]string `json:"data"`
	}
)

// submitPreConsumptions is POST /preconsume/submit: a batch of requests, each saved or refused on
// its own. A request the body holds in a wrong shape is refused alone, like any invalid one.
func (s *Server) submitPreConsumptions(w http.ResponseWriter, r *http.Request) {
	caller, err := auth.Authorize(r.Context(), domain.RoleEmployee)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	raw, err := decodeChecked(r, preConsumptionBatchFields)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var batch preconsumption.PreConsumptionBatch
	if n, ok := raw["timestamp"].(json.Number); ok {
		t := epochTime(n)
		batch.Timestamp = &t
	}
	for i, record := range raw["data"].([]any) {
		batch.Data = append(batch.Data, decodePreConsumption(i, record))
	}
	results, err := s.App.PreConsumption.Submit(r.Context(), caller, batch)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	refused := map[string]string{}
	for i, res := range results {
		key := res.BusinessCode
		if strings.TrimSpace(key) == "" {
			key = fmt.Sprintf("data[%d]", i) // a request without its business code is named by its place
		}
		if !res.Accepted {
			refused[key] = res.Reason
		}
	}
	if len(refused) == 0 {
		writeJSON(w, http.StatusOK, preConsumeAck{Code: "ACK"})
		return
	}
	writeJSON(w, http.StatusOK, preConsumeNack{Code: "NACK", ErrorData: refused, Data: refused})
}

// decodePreConsumption reads request i of a batch; what is not of the field table's types is left
// to the domain as the request's malformed fields.
func decodePreConsumption(i int, record any) preconsumption.PreConsumptionInput {
	fields, ok := record.(map[string]any)
	if !ok {
		return preconsumption.PreConsumptionInput{Malformed: []domain.FieldError{{Field: fmt.Sprintf("data[%d]", i), Message: "must be an object"}}}
	}
	code, _ := fields["businessCode"].(string)
	if bad := checkFields(fields, preConsumptionFields); len(bad) > 0 {
		return preconsumption.PreConsumptionInput{BusinessCode: code, Malformed: bad}
	}
	for _, path := range preConsumptionTimes {
		epochsToTimes(fields, strings.Split(path, "."))
	}
	var in preconsumption.PreConsumptionInput
	b, err := json.Marshal(fields)
	if err == nil {
		err = json.Unmarshal(b, &in)
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr): // inside a list the field table does not describe, e.g. handleList
		return preconsumption.PreConsumptionInput{BusinessCode: code, Malformed: []domain.FieldError{
			{Field: typeErr.Field, Message: "must be " + article(jsonType(jsonKind(typeErr.Type.Kind().String())))},
		}}
	case err != nil:
		return preconsumption.PreConsumptionInput{BusinessCode: code, Malformed: []domain.FieldError{{Field: fmt.Sprintf("data[%d]", i), Message: "unreadable"}}}
	}
	return in
}

// epochsToTimes replaces the epoch numbers at path below v ("a[].b": in each element of a) with
// the RFC 3339 times they stand for.
func epochsToTimes(v any, path []string) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	name, _ := strings.CutSuffix(path[0], "[]")
	if len(path) == 1 {
		if n, ok := obj[name].(json.Number); ok {
			obj[name] = epochTime(n).Format(time.RFC3339Nano)
		}
		return
	}
	list, _ := obj[name].([]any)
	for _, el := range list {
		epochsToTimes(el, path[1:])
	}
}

// epochTime reads an epoch time of the expense system, an integer the field table has checked:
// milliseconds, as the seed's timestamp and submittedAt; a value below 10^11 (1973 in milliseconds,
// year 5138 in seconds) is seconds, as the seed's own loanRepaymentDate (1555567604) is.
func epochTime(n json.Number) time.Time {
	v, _ := n.Int64()
	if v < 100_000_000_000 {
		return time.Unix(v, 0).UTC()
	}
	return time.UnixMilli(v).UTC()
}
