import type { peopleMethods } from '../../../shared/contracts/people.ts';
import type { HandlersFor } from '../dispatch.ts';
import type { PeopleService } from './people-service.ts';

export function createPeopleHandlers(people: PeopleService): HandlersFor<keyof typeof peopleMethods> {
  return {
    'auth.state': (_input, { token }) => people.state(token),
    'auth.setup': (input) => people.setup(input),
    'auth.signIn': (input) => people.signIn(input),
    'auth.unlock': ({ password }, { token }) => people.unlock(token, password),
    'auth.lock': (_input, { token }) => people.lock(token),
    'auth.signOut': (_input, { token }) => people.signOut(token),
    'auth.changePassword': (input, { actor }) => people.changePassword(actor, input),
    'people.list': (_input, { actor }) => people.list(actor),
    'people.create': (input, { actor }) => people.create(actor, input),
    'people.update': (input, { actor }) => people.update(actor, input),
  };
}
