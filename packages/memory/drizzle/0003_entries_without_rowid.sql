PRAGMA foreign_keys=OFF;--> statement-breakpoint
-- WITHOUT ROWID added by hand (drizzle-kit cannot express it): the primary key is the table, so a
-- lookup or upsert walks one b-tree instead of the key's index plus the rowid table.
CREATE TABLE `__new_memory_entries` (
	`key` text NOT NULL,
	`partition` text DEFAULT 'default' NOT NULL,
	`value` text NOT NULL,
	`metadata` text,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`owner` text,
	`access_level` text DEFAULT 'private',
	`team_id` text,
	`swarm_id` text,
	PRIMARY KEY(`partition`, `key`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_memory_entries`("key", "partition", "value", "metadata", "created_at", "expires_at", "owner", "access_level", "team_id", "swarm_id") SELECT "key", "partition", "value", "metadata", "created_at", "expires_at", "owner", "access_level", "team_id", "swarm_id" FROM `memory_entries`;--> statement-breakpoint
DROP TABLE `memory_entries`;--> statement-breakpoint
ALTER TABLE `__new_memory_entries` RENAME TO `memory_entries`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `memory_entries_expires_at_idx` ON `memory_entries` (`expires_at`);--> statement-breakpoint
CREATE INDEX `memory_entries_owner_idx` ON `memory_entries` (`owner`);