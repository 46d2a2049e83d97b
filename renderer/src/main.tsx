import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { connect } from './api.ts';
import { App } from './app.tsx';
import { AuthGate } from './features/auth/auth-gate.tsx';
import { ClientProvider } from './client-context.tsx';
import { NoConnection } from './components/no-connection.tsx';
import './prosemirror.css';
import './styles.css';
import './queue.css';

const client = connect(window);
const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false }, mutations: { retry: 0 } },
});
const root = createRoot(document.getElementById('root') as HTMLElement);

root.render(
  <StrictMode>
    {client ? (
      <ClientProvider client={client}>
        <QueryClientProvider client={queryClient}>
          <AuthGate>
            <App />
          </AuthGate>
        </QueryClientProvider>
      </ClientProvider>
    ) : (
      <NoConnection />
    )}
  </StrictMode>,
);
