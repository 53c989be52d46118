// Package contract renders the consumer-loan contract a customer signs, as a
// Russian-language PDF.
package contract

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Row is one payment of the schedule as printed.
type Row struct {
	N         int
	Date      time.Time
	Amount    decimal.Decimal
	Principal decimal.Decimal
	Interest  decimal.Decimal
	Remaining decimal.Decimal
}

// Data is everything the contract states.
type Data struct {
	Number         string    // contract number, e.g. "LG-2026-000001"
	LoanNumber     string    // loan number, digits
	Date           time.Time // signing date
	Lender         string    // lender's name, e.g. `ООО МФК «Лендграф»`
	Partner        string    // the merchant the money is paid to
	CustomerName   string    // full name
	CustomerPhone  string
	Passport       string          // "1234 621234", may be empty
	Amount         decimal.Decimal // principal, roubles
	AnnualRate     decimal.Decimal // percent per year
	Months         int
	MonthlyPayment decimal.Decimal
	TotalInterest  decimal.Decimal
	TotalAmount    decimal.Decimal
	Goods          []string // cart lines as text, e.g. "iPhone 15 ×1 — 208 990,50 ₽" (may be empty)
	Schedule       []Row
}

const (
	nbsp     = "\u00a0"
	dateFmt  = "02.01.2006"
	font     = "go"
	margin   = 50.0
	textSize = 10.0
	rowH     = 16.0 // schedule table row height
	cellPad  = 4.0
)

var (
	pageW = gopdf.PageSizeA4.W
	pageH = gopdf.PageSizeA4.H
	bodyW = pageW - 2*margin
	// Bottom of the usable area; the footer lives below it.
	bottom = pageH - margin

	// Schedule columns: №, date, then four equal money columns.
	money    = (bodyW - 28 - 72) / 4
	colW     = []float64{28, 72, money, money, money, money}
	colHead  = []string{"№", "Дата", "Платёж, руб.", "Основной долг, руб.", "Проценты, руб.", "Остаток, руб."}
	colAlign = []int{gopdf.Center, gopdf.Center, gopdf.Right, gopdf.Right, gopdf.Right, gopdf.Right}
)

// Render returns the contract as a PDF document.
func Render(d Data) ([]byte, error) {
	switch {
	case strings.TrimSpace(d.Number) == "":
		return nil, errors.New("contract: empty contract number")
	case len(d.Schedule) == 0:
		return nil, errors.New("contract: empty payment schedule")
	case d.Months != len(d.Schedule):
		return nil, fmt.Errorf("contract: term is %d months but schedule has %d rows", d.Months, len(d.Schedule))
	}

	w := &writer{pdf: &gopdf.GoPdf{}, number: d.Number}
	w.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	w.pdf.SetInfo(gopdf.PdfInfo{Title: "Договор потребительского займа № " + d.Number})
	if err := w.pdf.AddTTFFontData(font, goregular.TTF); err != nil {
		return nil, err
	}
	if err := w.pdf.AddTTFFontDataWithOption(font, gobold.TTF, gopdf.TtfOption{Style: gopdf.Bold}); err != nil {
		return nil, err
	}
	w.newPage()

	w.para("B", 14, gopdf.Center, "Договор потребительского займа № "+d.Number)
	w.para("", textSize, gopdf.Right, "Дата заключения: "+d.Date.Format(dateFmt))
	w.y += 6

	sec := 0
	section := func(title string) {
		sec++
		w.y += 8
		w.para("B", 11, gopdf.Left, fmt.Sprintf("%d. %s", sec, title))
	}

	section("Стороны договора")
	w.para("", textSize, gopdf.Left, "Займодавец: "+d.Lender+".")
	borrower := "Заёмщик: " + d.CustomerName + ", телефон " + d.CustomerPhone
	if d.Passport != "" {
		borrower += ", паспорт " + d.Passport
	}
	w.para("", textSize, gopdf.Left, borrower+".")
	w.para("", textSize, gopdf.Left, "Получатель денежных средств (продавец): "+d.Partner+
		". Сумма займа перечисляется займодавцем продавцу в оплату товаров (услуг), приобретаемых заёмщиком.")

	section("Условия займа")
	w.terms([][2]string{
		{"Номер займа", d.LoanNumber},
		{"Сумма займа", formatMoney(d.Amount)},
		{"Процентная ставка", strings.ReplaceAll(d.AnnualRate.String(), ".", ",") + nbsp + "% годовых"},
		{"Срок займа", fmt.Sprintf("%d%s%s", d.Months, nbsp, months(d.Months))},
		{"Ежемесячный платёж", formatMoney(d.MonthlyPayment)},
		{"Сумма процентов", formatMoney(d.TotalInterest)},
		{"Общая сумма выплат", formatMoney(d.TotalAmount)},
	})

	if len(d.Goods) > 0 {
		section("Приобретаемые товары")
		for i, g := range d.Goods {
			w.para("", textSize, gopdf.Left, fmt.Sprintf("%d. %s", i+1, g))
		}
	}

	section("График платежей")
	w.schedule(d.Schedule)

	section("Подписание")
	w.para("", textSize, gopdf.Left, "Договор подписан заёмщиком "+d.Date.Format(dateFmt)+
		" простой электронной подписью — одноразовым кодом подтверждения (OTP), направленным на телефон "+
		d.CustomerPhone+".")

	if w.err != nil {
		return nil, w.err
	}
	return w.pdf.GetBytesPdfReturnErr()
}

// writer keeps the cursor and the first drawing error, so layout code reads
// top to bottom without an error check on every call.
type writer struct {
	pdf    *gopdf.GoPdf
	number string
	y      float64
	page   int
	err    error
}

func (w *writer) check(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *writer) setFont(style string, size float64) {
	w.check(w.pdf.SetFont(font, style, size))
}

// cell draws one line of text inside the box at (x, w.y).
func (w *writer) cell(x, width, h float64, align int, s string) {
	w.pdf.SetXY(x, w.y)
	w.check(w.pdf.CellWithOption(&gopdf.Rect{W: width, H: h}, pdfText(s), gopdf.CellOption{Align: align | gopdf.Middle}))
}

// newPage starts a page and stamps the footer, so every page names the contract.
func (w *writer) newPage() {
	w.pdf.AddPage()
	w.page++
	w.y = bottom + 12
	w.setFont("", 8)
	w.pdf.SetTextColor(110, 110, 110)
	w.cell(margin, bodyW, 10, gopdf.Right, fmt.Sprintf("Договор № %s · стр. %d", w.number, w.page))
	w.pdf.SetTextColor(0, 0, 0)
	w.y = margin
}

// fits breaks the page when h more points would not fit; reports whether it did.
func (w *writer) fits(h float64) bool {
	if w.y+h <= bottom {
		return true
	}
	w.newPage()
	return false
}

// para writes word-wrapped text across the body width.
func (w *writer) para(style string, size float64, align int, s string) {
	w.wrapped(margin, bodyW, style, size, align, s)
}

func (w *writer) wrapped(x, width float64, style string, size float64, align int, s string) {
	w.setFont(style, size)
	lh := size * 1.45
	lines, err := w.pdf.SplitTextWithWordWrap(pdfText(s), width)
	w.check(err)
	for _, l := range lines {
		w.fits(lh)
		w.cell(x, width, lh, align, l)
		w.y += lh
	}
}

// terms prints label/value pairs in two columns; values may wrap.
func (w *writer) terms(rows [][2]string) {
	const labelW = 170.0
	lh := textSize * 1.45
	for _, r := range rows {
		w.fits(lh)
		w.setFont("", textSize)
		w.cell(margin, labelW, lh, gopdf.Left, r[0]+":")
		w.wrapped(margin+labelW, bodyW-labelW, "B", textSize, gopdf.Left, r[1])
	}
}

// schedule draws the payment table; when a row does not fit, it goes to a
// new page and the header is drawn again above it.
func (w *writer) schedule(rows []Row) {
	w.fits(2 * rowH) // never leave a header alone at the bottom of a page
	w.tableRow("B", true, colHead)
	for _, r := range rows {
		if !w.fits(rowH) {
			w.tableRow("B", true, colHead)
		}
		w.tableRow("", false, []string{
			fmt.Sprint(r.N),
			r.Date.Format(dateFmt),
			formatNumber(r.Amount),
			formatNumber(r.Principal),
			formatNumber(r.Interest),
			formatNumber(r.Remaining),
		})
	}
}

func (w *writer) tableRow(style string, shaded bool, cells []string) {
	w.setFont(style, 9)
	x := margin
	w.pdf.SetLineWidth(0.5)
	w.pdf.SetStrokeColor(150, 150, 150)
	for i, s := range cells {
		box := "D"
		if shaded {
			// Again for every cell: drawing text resets the fill colour.
			w.pdf.SetFillColor(232, 232, 232)
			box = "FD"
		}
		w.pdf.RectFromUpperLeftWithStyle(x, w.y, colW[i], rowH, box)
		w.cell(x+cellPad, colW[i]-2*cellPad, rowH, colAlign[i], s)
		x += colW[i]
	}
	w.y += rowH
}

// formatMoney formats roubles the Russian way: "1 234 567,50 ₽", with
// non-breaking spaces so the amount never wraps.
func formatMoney(d decimal.Decimal) string {
	return formatNumber(d) + nbsp + "₽"
}

// formatNumber is formatMoney without the currency sign, for table cells.
func formatNumber(d decimal.Decimal) string {
	s := d.StringFixed(2)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(nbsp)
		}
		b.WriteRune(c)
	}
	return sign + b.String() + "," + frac
}

// pdfText maps characters the Go fonts lack onto ones they have: there is no
// rouble sign (U+20BD) nor thin spaces in them, and gopdf would silently print
// a blank instead.
var pdfText = strings.NewReplacer(
	"₽", "руб.",
	"\u2009", nbsp, // thin space
	"\u202f", nbsp, // narrow no-break space
).Replace

// months picks the Russian plural of "месяц" for n.
func months(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 14:
		return "месяцев"
	case n%10 == 1:
		return "месяц"
	case n%10 >= 2 && n%10 <= 4:
		return "месяца"
	}
	return "месяцев"
}
