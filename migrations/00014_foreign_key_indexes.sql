-- +goose Up

-- Every application's files are read by application (the nested `files` of a page of applications).
CREATE INDEX application_files_application_idx ON application_files (application_id, id);

-- Every other foreign key leads an index too (store's TestEveryForeignKeyIsIndexed keeps it so):
-- a parent's children are read, and a parent deleted or its key updated, without a scan of the
-- child table.
CREATE INDEX application_offers_product_code_fk_idx ON application_offers (product_code);
CREATE INDEX application_questionnaires_customer_id_fk_idx ON application_questionnaires (customer_id);
CREATE INDEX applications_product_code_fk_idx ON applications (product_code);
CREATE INDEX applications_selected_offer_id_fk_idx ON applications (selected_offer_id);
CREATE INDEX customer_documents_document_type_id_fk_idx ON customer_documents (document_type_id);
CREATE INDEX customer_flags_flag_reason_id_fk_idx ON customer_flags (flag_reason_id);
CREATE INDEX customer_flags_flag_type_id_fk_idx ON customer_flags (flag_type_id);
CREATE INDEX customer_offers_employee_id_fk_idx ON customer_offers (employee_id);
CREATE INDEX customer_offers_max_term_code_fk_idx ON customer_offers (max_term_code);
CREATE INDEX customer_offers_min_term_code_fk_idx ON customer_offers (min_term_code);
CREATE INDEX customer_offers_pdpa_template_id_fk_idx ON customer_offers (pdpa_template_id);
CREATE INDEX customer_offers_process_code_fk_idx ON customer_offers (process_code);
CREATE INDEX customer_offers_product_code_fk_idx ON customer_offers (product_code);
CREATE INDEX expense_entities_base_currency_fk_idx ON expense_entities (base_currency);
CREATE INDEX expense_entities_reimbursement_currency_fk_idx ON expense_entities (reimbursement_currency);
CREATE INDEX jobs_application_id_fk_idx ON jobs (application_id);
CREATE INDEX lead_rule_tasks_rule_id_fk_idx ON lead_rule_tasks (rule_id);
CREATE INDEX leads_client_id_fk_idx ON leads (client_id);
CREATE INDEX loans_product_code_fk_idx ON loans (product_code);
CREATE INDEX payment_provider_rules_provider_id_fk_idx ON payment_provider_rules (provider_id);
CREATE INDEX pre_consumption_companions_associate_rule_name_fk_idx ON pre_consumption_companions (associate_rule_name);
CREATE INDEX pre_consumption_cost_trackings_cost_tracking_name_cost_tracking ON pre_consumption_cost_trackings (cost_tracking_name, cost_tracking_item_biz_code);
CREATE INDEX pre_consumption_expenses_currency_fk_idx ON pre_consumption_expenses (currency);
CREATE INDEX pre_consumption_expenses_fee_type_biz_code_fk_idx ON pre_consumption_expenses (fee_type_biz_code);
CREATE INDEX pre_consumption_loans_currency_fk_idx ON pre_consumption_loans (currency);
CREATE INDEX pre_consumption_loans_loan_type_biz_code_fk_idx ON pre_consumption_loans (loan_type_biz_code);
CREATE INDEX pre_consumptions_accept_ccy_fk_idx ON pre_consumptions (accept_ccy);
CREATE INDEX pre_consumptions_currency_fk_idx ON pre_consumptions (currency);
CREATE INDEX pre_consumptions_department_biz_code_fk_idx ON pre_consumptions (department_biz_code);
CREATE INDEX pre_consumptions_form_sub_type_biz_code_fk_idx ON pre_consumptions (form_sub_type_biz_code);
CREATE INDEX pre_consumptions_subsidiary_biz_code_fk_idx ON pre_consumptions (subsidiary_biz_code);
CREATE INDEX pre_consumptions_user_employee_id_fk_idx ON pre_consumptions (user_employee_id);
CREATE INDEX provider_financial_sources_provider_id_fk_idx ON provider_financial_sources (provider_id);
CREATE INDEX transaction_orders_from_financial_source_id_fk_idx ON transaction_orders (from_financial_source_id);
CREATE INDEX transaction_orders_provider_id_fk_idx ON transaction_orders (provider_id);
CREATE INDEX transaction_orders_to_financial_source_id_fk_idx ON transaction_orders (to_financial_source_id);
CREATE INDEX transaction_orders_type_id_fk_idx ON transaction_orders (type_id);

-- +goose Down
DROP INDEX application_files_application_idx;
DROP INDEX application_offers_product_code_fk_idx;
DROP INDEX application_questionnaires_customer_id_fk_idx;
DROP INDEX applications_product_code_fk_idx;
DROP INDEX applications_selected_offer_id_fk_idx;
DROP INDEX customer_documents_document_type_id_fk_idx;
DROP INDEX customer_flags_flag_reason_id_fk_idx;
DROP INDEX customer_flags_flag_type_id_fk_idx;
DROP INDEX customer_offers_employee_id_fk_idx;
DROP INDEX customer_offers_max_term_code_fk_idx;
DROP INDEX customer_offers_min_term_code_fk_idx;
DROP INDEX customer_offers_pdpa_template_id_fk_idx;
DROP INDEX customer_offers_process_code_fk_idx;
DROP INDEX customer_offers_product_code_fk_idx;
DROP INDEX expense_entities_base_currency_fk_idx;
DROP INDEX expense_entities_reimbursement_currency_fk_idx;
DROP INDEX jobs_application_id_fk_idx;
DROP INDEX lead_rule_tasks_rule_id_fk_idx;
DROP INDEX leads_client_id_fk_idx;
DROP INDEX loans_product_code_fk_idx;
DROP INDEX payment_provider_rules_provider_id_fk_idx;
DROP INDEX pre_consumption_companions_associate_rule_name_fk_idx;
DROP INDEX pre_consumption_cost_trackings_cost_tracking_name_cost_tracking;
DROP INDEX pre_consumption_expenses_currency_fk_idx;
DROP INDEX pre_consumption_expenses_fee_type_biz_code_fk_idx;
DROP INDEX pre_consumption_loans_currency_fk_idx;
DROP INDEX pre_consumption_loans_loan_type_biz_code_fk_idx;
DROP INDEX pre_consumptions_accept_ccy_fk_idx;
DROP INDEX pre_consumptions_currency_fk_idx;
DROP INDEX pre_consumptions_department_biz_code_fk_idx;
DROP INDEX pre_consumptions_form_sub_type_biz_code_fk_idx;
DROP INDEX pre_consumptions_subsidiary_biz_code_fk_idx;
DROP INDEX pre_consumptions_user_employee_id_fk_idx;
DROP INDEX provider_financial_sources_provider_id_fk_idx;
DROP INDEX transaction_orders_from_financial_source_id_fk_idx;
DROP INDEX transaction_orders_provider_id_fk_idx;
DROP INDEX transaction_orders_to_financial_source_id_fk_idx;
DROP INDEX transaction_orders_type_id_fk_idx;
