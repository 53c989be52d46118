-- +goose Up
-- Every filter a list offers leads an index. A list shows the newest first (ORDER BY id DESC), so
-- an equality filter is indexed with id after it: the page is then read in order, not sorted.
CREATE INDEX applications_partner_page_idx ON applications (partner_id, id);
CREATE INDEX applications_created_idx ON applications (created_at);
CREATE INDEX loans_status_idx ON loans (status, id);
CREATE INDEX loan_schedule_unpaid_due_idx ON loan_schedule (due_date) WHERE paid_at IS NULL;
CREATE INDEX leads_channel_idx ON leads (channel, id);
CREATE INDEX leads_created_idx ON leads (created_at);
CREATE INDEX pre_consumptions_employee_page_idx ON pre_consumptions (user_employee_id, id);
CREATE INDEX pre_consumptions_department_page_idx ON pre_consumptions (department_biz_code, id);
CREATE INDEX pre_consumptions_subsidiary_page_idx ON pre_consumptions (subsidiary_biz_code, id);
DROP INDEX pre_consumptions_user_employee_id_fk_idx, pre_consumptions_department_biz_code_fk_idx,
    pre_consumptions_subsidiary_biz_code_fk_idx; -- led by the indexes above
CREATE INDEX customers_first_name_idx ON customers (lower(first_name));
CREATE INDEX customers_middle_name_idx ON customers (lower(middle_name));
CREATE INDEX customers_birth_date_idx ON customers (birth_date);
CREATE INDEX customers_email_idx ON customers (lower(email));

-- +goose Down
CREATE INDEX pre_consumptions_user_employee_id_fk_idx ON pre_consumptions (user_employee_id);
CREATE INDEX pre_consumptions_department_biz_code_fk_idx ON pre_consumptions (department_biz_code);
CREATE INDEX pre_consumptions_subsidiary_biz_code_fk_idx ON pre_consumptions (subsidiary_biz_code);
DROP INDEX customers_email_idx, customers_birth_date_idx, customers_middle_name_idx, customers_first_name_idx,
    pre_consumptions_subsidiary_page_idx, pre_consumptions_department_page_idx, pre_consumptions_employee_page_idx,
    leads_created_idx, leads_channel_idx, loan_schedule_unpaid_due_idx, loans_status_idx, applications_created_idx,
    applications_partner_page_idx;
