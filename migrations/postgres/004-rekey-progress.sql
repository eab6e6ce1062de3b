-- Revision 0.1 §6 (as migrations/sqlite/004): a progress node is named
-- progress/<bare-jid>/<message-id>, so it is keyed by (owner, message_id),
-- and retention counts from created_at alone. PostgreSQL changes keys in
-- place: children learn the owner from their node, then every key and
-- foreign key is rebuilt. `id` orders nodes created in the same
-- millisecond (SQLite uses its rowid).

ALTER TABLE progress_items ADD COLUMN owner TEXT;
ALTER TABLE progress_subscriptions ADD COLUMN owner TEXT;
ALTER TABLE progress_recipient_domains ADD COLUMN owner TEXT;
UPDATE progress_items i SET owner = n.owner FROM progress_nodes n WHERE n.message_id = i.message_id;
UPDATE progress_subscriptions s SET owner = n.owner FROM progress_nodes n WHERE n.message_id = s.message_id;
UPDATE progress_recipient_domains d SET owner = n.owner FROM progress_nodes n WHERE n.message_id = d.message_id;

ALTER TABLE progress_items DROP CONSTRAINT progress_items_message_id_fkey, DROP CONSTRAINT progress_items_pkey;
ALTER TABLE progress_subscriptions DROP CONSTRAINT progress_subscriptions_message_id_fkey, DROP CONSTRAINT progress_subscriptions_pkey;
ALTER TABLE progress_recipient_domains DROP CONSTRAINT progress_recipient_domains_message_id_fkey, DROP CONSTRAINT progress_recipient_domains_pkey;

DROP INDEX progress_nodes_by_age;
ALTER TABLE progress_nodes DROP CONSTRAINT progress_nodes_pkey, DROP COLUMN updated_at,
  ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY,
  ADD PRIMARY KEY (owner, message_id);
CREATE INDEX progress_nodes_by_age ON progress_nodes(created_at);

ALTER TABLE progress_items ALTER COLUMN owner SET NOT NULL,
  ADD PRIMARY KEY (owner, message_id, seq),
  ADD FOREIGN KEY (owner, message_id) REFERENCES progress_nodes(owner, message_id) ON DELETE CASCADE;
ALTER TABLE progress_subscriptions ALTER COLUMN owner SET NOT NULL,
  ADD PRIMARY KEY (owner, message_id, jid),
  ADD FOREIGN KEY (owner, message_id) REFERENCES progress_nodes(owner, message_id) ON DELETE CASCADE;
ALTER TABLE progress_recipient_domains ALTER COLUMN owner SET NOT NULL,
  ADD PRIMARY KEY (owner, message_id, domain),
  ADD FOREIGN KEY (owner, message_id) REFERENCES progress_nodes(owner, message_id) ON DELETE CASCADE;
