CREATE TABLE `artifacts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`path` text NOT NULL,
	`sha256` text NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`metadata` text,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `artifacts_kind_idx` ON `artifacts` (`kind`);--> statement-breakpoint
CREATE INDEX `artifacts_expires_at_idx` ON `artifacts` (`expires_at`);--> statement-breakpoint
CREATE TABLE `consensus_state` (
	`id` text PRIMARY KEY NOT NULL,
	`decision` text NOT NULL,
	`proposer` text NOT NULL,
	`votes` text DEFAULT '[]' NOT NULL,
	`quorum` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `consensus_state_status_idx` ON `consensus_state` (`status`);--> statement-breakpoint
CREATE INDEX `consensus_state_proposer_idx` ON `consensus_state` (`proposer`);--> statement-breakpoint
CREATE INDEX `consensus_state_expires_at_idx` ON `consensus_state` (`expires_at`);--> statement-breakpoint
CREATE TABLE `goap_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`agent_type` text NOT NULL,
	`preconditions` text NOT NULL,
	`effects` text NOT NULL,
	`cost` real DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `goap_actions_agent_type_idx` ON `goap_actions` (`agent_type`);--> statement-breakpoint
CREATE TABLE `goap_goals` (
	`id` text PRIMARY KEY NOT NULL,
	`conditions` text NOT NULL,
	`priority` real DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `goap_goals_priority_idx` ON `goap_goals` (`priority`);--> statement-breakpoint
CREATE TABLE `goap_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`goal_id` text NOT NULL,
	`sequence` text NOT NULL,
	`total_cost` real NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `goap_plans_goal_id_idx` ON `goap_plans` (`goal_id`);--> statement-breakpoint
CREATE TABLE `hints` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `hints_expires_at_idx` ON `hints` (`expires_at`);--> statement-breakpoint
CREATE TABLE `memory_acl` (
	`key` text NOT NULL,
	`partition` text NOT NULL,
	`granted_permissions` text DEFAULT '{}' NOT NULL,
	`blocked_agents` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`key`, `partition`)
);
--> statement-breakpoint
CREATE TABLE `ooda_cycles` (
	`id` text PRIMARY KEY NOT NULL,
	`phase` text NOT NULL,
	`observations` text,
	`orientation` text,
	`decision` text,
	`action` text,
	`result` text,
	`completed` integer DEFAULT false NOT NULL,
	`timestamp` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ooda_cycles_phase_idx` ON `ooda_cycles` (`phase`);--> statement-breakpoint
CREATE INDEX `ooda_cycles_timestamp_idx` ON `ooda_cycles` (`timestamp`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`state` text NOT NULL,
	`checkpoints` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`last_resumed` integer,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `sessions_expires_at_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `workflow_state` (
	`id` text PRIMARY KEY NOT NULL,
	`step` text NOT NULL,
	`status` text NOT NULL,
	`checkpoint` text NOT NULL,
	`sha` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `workflow_state_status_idx` ON `workflow_state` (`status`);--> statement-breakpoint
CREATE INDEX `workflow_state_expires_at_idx` ON `workflow_state` (`expires_at`);--> statement-breakpoint
ALTER TABLE `patterns` ADD `agent_id` text;--> statement-breakpoint
CREATE INDEX `patterns_confidence_idx` ON `patterns` (`confidence`);--> statement-breakpoint
CREATE INDEX `patterns_agent_id_idx` ON `patterns` (`agent_id`);--> statement-breakpoint
CREATE INDEX `patterns_expires_at_idx` ON `patterns` (`expires_at`);--> statement-breakpoint
CREATE INDEX `agent_registry_status_idx` ON `agent_registry` (`status`);--> statement-breakpoint
CREATE INDEX `agent_registry_type_idx` ON `agent_registry` (`type`);--> statement-breakpoint
CREATE INDEX `events_type_timestamp_idx` ON `events` (`type`,`timestamp`);--> statement-breakpoint
CREATE INDEX `events_source_timestamp_idx` ON `events` (`source`,`timestamp`);--> statement-breakpoint
CREATE INDEX `events_timestamp_idx` ON `events` (`timestamp`);--> statement-breakpoint
CREATE INDEX `events_expires_at_idx` ON `events` (`expires_at`);--> statement-breakpoint
CREATE INDEX `memory_entries_expires_at_idx` ON `memory_entries` (`expires_at`);--> statement-breakpoint
CREATE INDEX `memory_entries_partition_idx` ON `memory_entries` (`partition`);--> statement-breakpoint
CREATE INDEX `memory_entries_owner_idx` ON `memory_entries` (`owner`);--> statement-breakpoint
CREATE INDEX `memory_entries_access_level_idx` ON `memory_entries` (`access_level`);--> statement-breakpoint
CREATE INDEX `performance_metrics_metric_timestamp_idx` ON `performance_metrics` (`metric`,`timestamp`);--> statement-breakpoint
CREATE INDEX `performance_metrics_agent_id_timestamp_idx` ON `performance_metrics` (`agent_id`,`timestamp`);