DROP INDEX `memory_entries_partition_idx`;--> statement-breakpoint
DROP INDEX `memory_entries_access_level_idx`;--> statement-breakpoint
CREATE INDEX `memory_entries_partition_key_idx` ON `memory_entries` (`partition`,`key`);