'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback } from 'react';

/**
 * What every sign-in method does once the server has set the cookie: forget anything cached for a
 * previous principal (so nobody sees someone else's keys for a moment), then go to the overview.
 */
export function useFinishSignIn(): () => void {
  const queryClient = useQueryClient();
  const router = useRouter();
  return useCallback(() => {
    queryClient.clear();
    router.replace('/');
  }, [queryClient, router]);
}
