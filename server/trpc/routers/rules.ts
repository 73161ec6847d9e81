import { router, procedure, serviceContext } from "../init";
import { listRules, updateRule, updateRuleInput } from "../../operations/updateRule";

export const rulesRouter = router({
  list: procedure("outages.read").query(({ ctx }) => listRules(ctx.db)),
  update: procedure("rules.edit").input(updateRuleInput).mutation(({ ctx, input }) => updateRule(serviceContext(ctx), input)),
});
