PRAGMA foreign_keys=OFF;--> statement-breakpoint
-- WITHOUT ROWID added by hand (drizzle-kit cannot express it): the (timestamp, id) key is the table,
-- so an event goes to 4 b-trees (table, type, source, expiry) instead of 6 (rowid table, id key,
-- timestamp, type, source, expiry). Events of one millisecond copied here keep id order.
CREATE TABLE `__new_events` (
	`id` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`timestamp` integer NOT NULL,
	`source` text NOT NULL,
	`ttl` integer DEFAULT 2592000 NOT NULL,
	`expires_at` integer,
	PRIMARY KEY(`timestamp`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_events`("id", "type", "payload", "timestamp", "source", "ttl", "expires_at") SELECT "id", "type", "payload", "timestamp", "source", "ttl", "expires_at" FROM `events`;--> statement-breakpoint
DROP TABLE `events`;--> statement-breakpoint
ALTER TABLE `__new_events` RENAME TO `events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `events_type_timestamp_idx` ON `events` (`type`,`timestamp`);--> statement-breakpoint
CREATE INDEX `events_source_timestamp_idx` ON `events` (`source`,`timestamp`);--> statement-breakpoint
CREATE INDEX `events_expires_at_idx` ON `events` (`expires_at`);