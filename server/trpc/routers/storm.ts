import { router, procedure, serviceContext } from "../init";
import { stormModeStatus } from "../../operations/stormStatus";
import { activateStormMode, activateStormModeInput, deactivateStormMode, deactivateStormModeInput } from "../../operations/stormMode";

export const stormRouter = router({
  status: procedure("storm.read").query(({ ctx }) => stormModeStatus(ctx.db, new Date())),
  activate: procedure("storm.switch").input(activateStormModeInput).mutation(({ ctx, input }) =>
    activateStormMode(serviceContext(ctx), input)),
  deactivate: procedure("storm.switch").input(deactivateStormModeInput).mutation(({ ctx, input }) =>
    deactivateStormMode(serviceContext(ctx), input)),
});
