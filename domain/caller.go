package domain

// Role is what a caller is to the system; every token carries one.
type Role string

// The three roles of the platform's gateway.
const (
	RoleCustomer Role = "customer"
	RoleEmployee Role = "employee"
	RolePartner  Role = "partner"
)

// Valid tells whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleCustomer || r == RoleEmployee || r == RolePartner
}

// Principal is an authenticated caller: the role and subject of their token.
// Subject is the customer guid, the employee id or the partner name; Partner is the token's azp
// for partners.
type Principal struct {
	Role     Role
	Subject  string
	Partner  string
	DeviceID string
}
