-- Dead letters show their aggregate type (issue 9, GET /observability/parked_events and
-- `clustergenie parked list`). The projector fills it when parking, from the batch header
-- or, for an undecodable record, from its `cg-aggregate-type` Kafka header; NULL when
-- neither says (garbage, or records parked before this migration).
ALTER TABLE parked_event ADD COLUMN aggregate_type VARCHAR(64) NULL AFTER record_offset;
