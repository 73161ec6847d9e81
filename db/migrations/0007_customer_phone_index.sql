-- Calls name the customer by phone, written any way (+962 7 9…, 0079…): the lookup compares
-- digits only. Without this index every call scanned every customer (1–2 s a call on a
-- 200,000-customer network, found by `npm run storm`); with it, one index probe per phone.
CREATE INDEX IF NOT EXISTS "idx_oms_customers_phone_digits" ON "oms_customers" ((regexp_replace("phone", '\D', '', 'g')));
