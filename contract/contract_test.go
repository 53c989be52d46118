package contract

import (
	"bytes"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sample builds a plausible annuity contract of n months.
func sample(n int) Data {
	amount := decimal.RequireFromString("208990.50")
	rate := decimal.RequireFromString("29.9")
	r := 29.9 / 1200 // annuity: A·r / (1 − (1+r)^−n)
	monthly := amount.Mul(decimal.NewFromFloat(r / (1 - math.Pow(1+r, -float64(n))))).Round(2)
	start := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	d := Data{
		Number:         "LG-2026-000001",
		LoanNumber:     "1000042",
		Date:           start,
		Lender:         "ООО МФК «Лендграф»",
		Partner:        "ООО «Техномаркет»",
		CustomerName:   "Иванов Иван Иванович",
		CustomerPhone:  "+7 900 123-45-67",
		Passport:       "1234 621234",
		Amount:         amount,
		AnnualRate:     rate,
		Months:         n,
		MonthlyPayment: monthly,
		Goods:          []string{"iPhone 15 ×1 — 208 990,50 ₽"},
	}
	remaining := amount
	for i := 1; i <= n; i++ {
		interest := remaining.Mul(rate).Div(decimal.NewFromInt(1200)).Round(2)
		principal := monthly.Sub(interest)
		if i == n {
			principal = remaining
		}
		remaining = remaining.Sub(principal)
		d.Schedule = append(d.Schedule, Row{
			N: i, Date: start.AddDate(0, i, 0),
			Amount: principal.Add(interest), Principal: principal, Interest: interest, Remaining: remaining,
		})
		d.TotalInterest = d.TotalInterest.Add(interest)
	}
	d.TotalAmount = amount.Add(d.TotalInterest)
	return d
}

// extract returns the document's text and page count.
func extract(t *testing.T, doc []byte) (string, int) {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	require.NoError(t, err)
	plain, err := r.GetPlainText()
	require.NoError(t, err)
	text, err := io.ReadAll(plain)
	require.NoError(t, err)
	return string(text), r.NumPage()
}

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		months   int
		multiple bool
	}{{12, false}, {60, true}} {
		d := sample(tc.months)
		doc, err := Render(d)
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(doc, []byte("%PDF")))

		text, pages := extract(t, doc)
		for _, want := range []string{
			d.Number,
			"Договор потребительского займа",
			d.CustomerName,
			pdfText(formatMoney(d.Amount)), // the PDF spells ₽ as "руб."
			d.Schedule[0].Date.Format(dateFmt),
			d.Schedule[len(d.Schedule)-1].Date.Format(dateFmt),
			"простой электронной подписью",
		} {
			assert.Contains(t, text, want, "%d months", tc.months)
		}
		assert.Equal(t, tc.multiple, pages > 1, "%d months: %d pages", tc.months, pages)
		// Every page after the first repeats the schedule header.
		assert.Equal(t, pages, strings.Count(text, "Основной долг, руб."), "%d months", tc.months)
	}
}

func TestRenderWithoutOptionalParts(t *testing.T) {
	d := sample(3)
	d.Passport, d.Goods = "", nil
	doc, err := Render(d)
	require.NoError(t, err)
	text, _ := extract(t, doc)
	assert.NotContains(t, text, "паспорт")
	assert.NotContains(t, text, "Приобретаемые товары")
}

func TestFormatMoney(t *testing.T) {
	for in, want := range map[string]string{
		"0":         "0,00 ₽",
		"1234567.5": "1 234 567,50 ₽",
		"999.999":   "1 000,00 ₽",
		"208990.5":  "208 990,50 ₽",
		"100000":    "100 000,00 ₽",
	} {
		got := formatMoney(decimal.RequireFromString(in))
		assert.Equal(t, want, strings.ReplaceAll(got, nbsp, " "), in)
		assert.NotContains(t, got, " ", "%s: spaces must be non-breaking", in)
	}
}

func TestRenderErrors(t *testing.T) {
	for name, mutate := range map[string]func(*Data){
		"empty number":    func(d *Data) { d.Number = " " },
		"no schedule":     func(d *Data) { d.Schedule = nil },
		"months mismatch": func(d *Data) { d.Months = 11 },
	} {
		d := sample(12)
		mutate(&d)
		doc, err := Render(d)
		assert.Error(t, err, name)
		assert.Nil(t, doc, name)
	}
}
