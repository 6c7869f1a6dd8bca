CREATE TABLE `agent_registry` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`capabilities` text NOT NULL,
	`status` text NOT NULL,
	`performance` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`timestamp` integer NOT NULL,
	`source` text NOT NULL,
	`ttl` integer DEFAULT 2592000 NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE TABLE `memory_entries` (
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
	PRIMARY KEY(`key`, `partition`)
);
--> statement-breakpoint
CREATE TABLE `patterns` (
	`id` text PRIMARY KEY NOT NULL,
	`pattern` text NOT NULL,
	`confidence` real NOT NULL,
	`usage_count` integer DEFAULT 0 NOT NULL,
	`metadata` text,
	`ttl` integer DEFAULT 604800 NOT NULL,
	`expires_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `patterns_pattern_unique` ON `patterns` (`pattern`);--> statement-breakpoint
CREATE TABLE `performance_metrics` (
	`id` text PRIMARY KEY NOT NULL,
	`metric` text NOT NULL,
	`value` real NOT NULL,
	`unit` text NOT NULL,
	`timestamp` integer NOT NULL,
	`agent_id` text
);
