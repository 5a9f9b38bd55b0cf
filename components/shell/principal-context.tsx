'use client';
import { createContext, useContext } from 'react';
import type { Principal } from '@/lib/types';

const PrincipalContext = createContext<Principal | null>(null);

export const PrincipalProvider = PrincipalContext.Provider;

/** The signed-in principal, for pages inside the auth gate (which renders them only once it is known). */
export function usePrincipal(): Principal {
  const principal = useContext(PrincipalContext);
  if (!principal) throw new Error('usePrincipal must be used inside the authenticated layout');
  return principal;
}
