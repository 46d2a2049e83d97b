import type { templateMethods } from '../../../shared/contracts/templates.ts';
import type { HandlersFor } from '../dispatch.ts';
import type { TemplatesService } from './templates-service.ts';

export function createTemplatesHandlers(templates: TemplatesService): HandlersFor<keyof typeof templateMethods> {
  return {
    'templates.list': () => templates.list(),
    'templates.saveFromUpdate': (input) => templates.saveFromUpdate(input),
    'templates.delete': ({ id }) => templates.remove(id),
    'templates.use': (input, { actor }) => templates.use(input, actor),
  };
}
