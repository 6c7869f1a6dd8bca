DROP INDEX `memory_entries_expires_at_idx`;--> statement-breakpoint
DROP INDEX `memory_entries_owner_idx`;--> statement-breakpoint
CREATE INDEX `memory_entries_expires_at_idx` ON `memory_entries` (`expires_at`) WHERE "memory_entries"."expires_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `memory_entries_owner_idx` ON `memory_entries` (`owner`) WHERE "memory_entries"."owner" IS NOT NULL;