-- Crews on the move (issue 12, point 7). A crew's phone reports where it is: the fix's own time
-- (position_updated_at, already there) and how sure the phone is of it, in metres. A dispatcher
-- writes what the crew should know on the way (access, hazards, who to call) when dispatching.
ALTER TABLE "oms_crews" ADD COLUMN "position_accuracy_m" double precision;--> statement-breakpoint
ALTER TABLE "oms_crew_assignments" ADD COLUMN "dispatch_notes" text;
