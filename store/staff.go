package store

import (
	"context"

	"github.com/lib/pq"
)

// Employee is a back-office account.
type Employee struct {
	ID           int64  `db:"id"`
	Username     string `db:"username"`
	PasswordHash string `db:"password_hash"`
	FullName     string `db:"full_name"`
	Active       bool   `db:"active"`
}

// Partner is a merchant that files loans for its buyers.
type Partner struct {
	ID         int64  `db:"id"`
	Name       string `db:"name"`
	ClientID   string `db:"client_id"`
	SecretHash string `db:"secret_hash"`
	Active     bool   `db:"active"`
}

const (
	employeeColumns = `id, username, password_hash, full_name, active`
	partnerColumns  = `id, name, client_id, secret_hash, active`
)

// EmployeeByUsername looks an employee up by username, ignoring case.
func (q Queries) EmployeeByUsername(ctx context.Context, username string) (Employee, error) {
	var e Employee
	err := q.get(ctx, &e, `SELECT `+employeeColumns+` FROM employees WHERE lower(username) = lower($1)`, username)
	return e, err
}

// EmployeeByID returns the employee with the given id.
func (q Queries) EmployeeByID(ctx context.Context, id int64) (Employee, error) {
	var e Employee
	err := q.get(ctx, &e, `SELECT `+employeeColumns+` FROM employees WHERE id = $1`, id)
	return e, err
}

// AddEmployee stores an employee unless one with the username exists; it reports whether it added one.
func (q Queries) AddEmployee(ctx context.Context, e Employee) (bool, error) {
	res, err := q.exec(ctx, `
		INSERT INTO employees (username, password_hash, full_name) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, e.Username, e.PasswordHash, e.FullName)
	return inserted(res, err)
}

// PartnerByClientID looks a partner up by its OAuth client id.
func (q Queries) PartnerByClientID(ctx context.Context, clientID string) (Partner, error) {
	var p Partner
	err := q.get(ctx, &p, `SELECT `+partnerColumns+` FROM partners WHERE client_id = $1`, clientID)
	return p, err
}

// PartnerByName returns the partner whose name tokens carry as azp.
func (q Queries) PartnerByName(ctx context.Context, name string) (Partner, error) {
	var p Partner
	err := q.get(ctx, &p, `SELECT `+partnerColumns+` FROM partners WHERE name = $1`, name)
	return p, err
}

// PartnerIDsByName returns the ids of the partners with the given names that exist, by name.
func (q Queries) PartnerIDsByName(ctx context.Context, names []string) (map[string]int64, error) {
	var rows []struct {
		Name string `db:"name"`
		ID   int64  `db:"id"`
	}
	if err := q.sel(ctx, &rows, `SELECT name, id FROM partners WHERE name = ANY($1)`, pq.Array(names)); err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Name] = r.ID
	}
	return out, nil
}

// PartnerByID returns the partner with the given id.
func (q Queries) PartnerByID(ctx context.Context, id int64) (Partner, error) {
	var p Partner
	err := q.get(ctx, &p, `SELECT `+partnerColumns+` FROM partners WHERE id = $1`, id)
	return p, err
}

// PartnersByID returns the partners with the given ids.
func (q Queries) PartnersByID(ctx context.Context, ids []int64) ([]Partner, error) {
	return PartnersByID.Read(ctx, q, ids)
}

// PartnersByID lists partners by their ids.
var PartnersByID = Listing[Partner]{`SELECT ` + partnerColumns + ` FROM partners WHERE id = ANY($1)`}

// AddPartner stores a partner unless its name or client id is taken; it reports whether it added one.
func (q Queries) AddPartner(ctx context.Context, p Partner) (bool, error) {
	res, err := q.exec(ctx, `
		INSERT INTO partners (name, client_id, secret_hash) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, p.Name, p.ClientID, p.SecretHash)
	return inserted(res, err)
}

// AddEmployeeWithID stores an employee under a chosen id unless the id or the username is taken;
// it reports whether it added one (demo data, as AddCustomerWithID).
func (q Queries) AddEmployeeWithID(ctx context.Context, e Employee) (bool, error) {
	res, err := q.exec(ctx, `INSERT INTO employees (id, username, password_hash, full_name) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, e.ID, e.Username, e.PasswordHash, e.FullName)
	return inserted(res, err)
}
