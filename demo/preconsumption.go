package demo

import (
	"context"
	"fmt"

	"lendgraph/preconsumption"
	"lendgraph/store"
)

// expenseDictionaries are the corporate expense system's demo dictionaries. They hold every code of
// seed 004's example request (employee 0001, department DI1807051G4YCUQP, entity SI18070220ITVO51
// reimbursing in EUR, fee type 2003_03, FORM loan type 0001), so that request is accepted verbatim.
var expenseDictionaries = store.ExpenseDictionaries{
	Currencies: []string{"CNY", "EUR", "USD", "RUB"},
	Employees: []store.ExpenseEmployee{
		{Code: "0001", Name: "张伟"},
		{Code: "0002", Name: "王芳"},
		{Code: "0003", Name: "李娜"},
	},
	Departments: []store.ExpenseDepartment{
		{BizCode: "DI1807051G4YCUQP", Name: "财务部"},
		{BizCode: "DI1807051G4YSALE", Name: "销售部"},
	},
	Entities: []store.ExpenseEntity{
		{BizCode: "SI18070220ITVO51", Name: "示例业务实体（欧洲）", BaseCurrency: "CNY", ReimbursementCurrency: "EUR"},
		{BizCode: "SI18070220ITVORU", Name: "ООО «Лендграф»", BaseCurrency: "RUB", ReimbursementCurrency: "RUB"},
	},
	FeeTypes: []store.ExpenseFeeType{
		{BizCode: "2003_01", Name: "差旅费-住宿"},
		{BizCode: "2003_03", Name: "差旅费-交通"},
		{BizCode: "2004_01", Name: "业务招待费"},
	},
	LoanTypes: []store.ExpenseLoanType{
		{BizCode: "0001", Name: "差旅借款", Mode: preconsumption.LoanModeForm, Enabled: true},
		{BizCode: "0002", Name: "备用金", Mode: preconsumption.LoanModePool, Enabled: true},
		{BizCode: "0003", Name: "旧借款类型（已禁用）", Mode: preconsumption.LoanModeForm, Enabled: false},
	},
	CostTrackingItems: []store.ExpenseCostTrackingItem{
		{TrackingName: "项目", BizCode: "PRJ-001", Name: "新零售项目"},
		{TrackingName: "项目", BizCode: "PRJ-002", Name: "跨境支付项目"},
		{TrackingName: "成本中心", BizCode: "CC-100", Name: "总部"},
	},
	FormSubtypes: []store.ExpenseFormSubtype{
		{BizCode: "FT_TRAVEL", Name: "差旅消费申请", HandlersEnabled: true, AcceptCcyEnabled: true, ExpensesRequired: true},
		{BizCode: "FT_SIMPLE", Name: "普通消费申请"},
	},
	AssociateRules: []store.ExpenseAssociateRule{
		{Name: "内部同行人", Internal: true},
		{Name: "外部同行人", Internal: false},
	},
}

// loadExpenseDictionaries adds the demo entries of the expense system's dictionaries that are missing.
func loadExpenseDictionaries(ctx context.Context, st *store.Store) error {
	err := st.Tx(ctx, func(q store.Queries) error { return q.AddExpenseDictionaries(ctx, expenseDictionaries) })
	if err != nil {
		return fmt.Errorf("demo expense dictionaries: %w", err)
	}
	return nil
}
